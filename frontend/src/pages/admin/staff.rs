//! Staff accounts of the admin's scope.

use lectern_api_types::Role;
use lectern_api_types::text::Name;
use lectern_api_types::users::{Email, NewUser, Password, User, UserPatch};
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::{Select, branch_list};
use crate::api::{self, ApiError};
use crate::components::fields::FormError;
use crate::components::paging::{Load, PageFooter, Paged};
use crate::components::{Dialog, Empty, ErrorNote, FieldErrors, Loading};
use crate::session::use_session;
use crate::{use_changes, use_notice};

#[component]
pub fn Staff() -> impl IntoView {
    let paged = Paged::<User>::new(|| "/users?limit=50".into());
    let editing = RwSignal::new(None::<Option<User>>);
    view! {
        <div class="title-row">
            <h1>"Staff"</h1>
            <button class="primary" on:click=move |_| editing.set(Some(None))>"New account"</button>
        </div>
        {move || {
            let items = paged.items.get();
            match paged.load.get() {
                Load::Loading if items.is_empty() => view! { <Loading what="staff"/> }.into_any(),
                Load::Failed(error) if items.is_empty() => view! { <ErrorNote error retry=Callback::new(move |()| paged.reload())/> }.into_any(),
                _ if items.is_empty() => view! { <Empty title="No staff yet" hint="Add the people who teach."/> }.into_any(),
                _ => view! {
                    <table class="table responsive">
                        <caption class="visually-hidden">"Staff accounts"</caption>
                        <thead><tr>
                            <th scope="col">"Name"</th><th scope="col">"Email"</th><th scope="col">"Role"</th><th scope="col">"Status"</th>
                            <th scope="col"><span class="visually-hidden">"Actions"</span></th>
                        </tr></thead>
                        <tbody>
                            {items.into_iter().map(|user| {
                                let edit = user.clone();
                                view! {
                                    <tr>
                                        <td data-label="Name">{user.name.clone()}</td>
                                        <td data-label="Email">{user.email.clone()}</td>
                                        <td data-label="Role">{user.role.label()}</td>
                                        <td data-label="Status">{if user.active { "Active" } else { "Deactivated" }}</td>
                                        <td class="row-actions"><button class="secondary small" on:click=move |_| editing.set(Some(Some(edit.clone())))>"Edit"</button></td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any(),
            }
        }}
        <PageFooter paged/>
        {move || editing.get().map(|user| view! { <StaffDialog user on_close=Callback::new(move |()| editing.set(None))/> })}
    }
}

#[component]
fn StaffDialog(user: Option<User>, on_close: Callback<()>) -> impl IntoView {
    let session = use_session();
    let changes = use_changes();
    let notice = use_notice();
    let me = session.user();
    let super_admin = me.as_ref().is_some_and(|u| u.role == Role::SuperAdmin);
    let existing = user.clone();
    let email = RwSignal::new(user.as_ref().map(|u| u.email.clone()).unwrap_or_default());
    let name = RwSignal::new(user.as_ref().map(|u| u.name.clone()).unwrap_or_default());
    let role = RwSignal::new(
        user.as_ref()
            .map_or(Role::Faculty, |u| u.role)
            .as_str()
            .to_owned(),
    );
    let branch = RwSignal::new(
        user.as_ref()
            .and_then(|u| u.branch_id)
            .map(|b| b.to_string())
            .unwrap_or_default(),
    );
    let password = RwSignal::new(String::new());
    let active = RwSignal::new(user.as_ref().is_none_or(|u| u.active));
    let (error, set_error) = signal(None::<ApiError>);
    let branches = branch_list();
    let roles: Vec<(String, String)> = Role::ALL
        .into_iter()
        .filter(|r| super_admin || *r != Role::SuperAdmin)
        .map(|r| (r.as_str().to_owned(), r.label().to_owned()))
        .collect();
    let title = if user.is_some() {
        "Edit account"
    } else {
        "New account"
    };

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        set_error.set(None);
        let Ok(chosen) = role.get_untracked().parse::<Role>() else {
            return set_error.set(Some(ApiError::invalid("role", "choose a role")));
        };
        let branch_id = branch.get_untracked().parse::<i64>().ok();
        let typed_password = password.get_untracked();
        let typed = (|| {
            let email = api::typed::<Email>(&email.get_untracked(), "email")?;
            let name = api::typed::<Name>(&name.get_untracked(), "name")?;
            // Left empty when editing, the password stays as it is.
            let password = match typed_password.as_str() {
                "" if existing.is_some() => None,
                typed => Some(api::typed::<Password>(typed, "password")?),
            };
            Ok::<_, ApiError>((email, name, password))
        })();
        let (email, name, password) = match typed {
            Ok(typed) => typed,
            Err(err) => return set_error.set(Some(err)),
        };
        let existing = existing.clone();
        spawn_local(async move {
            let result = match (existing, password) {
                (Some(user), password) => {
                    let patch = UserPatch {
                        email: Some(email),
                        name: Some(name),
                        role: Some(chosen),
                        branch_id: super_admin.then_some(branch_id),
                        active: Some(active.get_untracked()),
                        password,
                    };
                    api::patch::<_, User>(session, &format!("/users/{}", user.id), &patch).await
                }
                (None, Some(password)) => {
                    let new = NewUser {
                        email,
                        name,
                        role: chosen,
                        branch_id,
                        password,
                        active: active.get_untracked(),
                    };
                    api::post::<_, User>(session, "/users", &new).await
                }
                (None, None) => Err(ApiError::invalid("password", "is required")),
            };
            match result {
                Ok(saved) => {
                    notice.show(format!("{} saved.", saved.name));
                    changes.bump();
                    on_close.run(());
                }
                Err(err) => set_error.set(Some(err)),
            }
        });
    };

    view! {
        <Dialog title on_close>
            <form class="form" on:submit=submit novalidate>
                <FormError error/>
                <div class="field">
                    <label for="staff-name">"Name"</label>
                    <input id="staff-name" required aria-describedby="staff-name-errors" prop:value=name on:input=move |ev| name.set(event_target_value(&ev))/>
                    <FieldErrors error field="name" id="staff-name-errors"/>
                </div>
                <div class="field">
                    <label for="staff-email">"Email"</label>
                    <input id="staff-email" type="email" required aria-describedby="staff-email-errors" prop:value=email on:input=move |ev| email.set(event_target_value(&ev))/>
                    <FieldErrors error field="email" id="staff-email-errors"/>
                </div>
                <Select id="staff-role" label="Role" value=role options=Signal::derive(move || roles.clone())/>
                <FieldErrors error field="role" id="staff-role-errors"/>
                <Show when=move || super_admin>
                    <Select id="staff-branch" label="Branch" value=branch any="No branch (super admins)"
                        options=Signal::derive(move || branches.get().and_then(Result::ok).unwrap_or_default().into_iter().map(|b| (b.id.to_string(), b.name)).collect())/>
                    <FieldErrors error field="branch_id" id="staff-branch-errors"/>
                </Show>
                <div class="field">
                    <label for="staff-password">{if user.is_some() { "New password (leave empty to keep)" } else { "Password" }}</label>
                    <input id="staff-password" type="password" autocomplete="new-password" aria-describedby="staff-password-errors"
                        prop:value=password on:input=move |ev| password.set(event_target_value(&ev))/>
                    <FieldErrors error field="password" id="staff-password-errors"/>
                </div>
                <label class="check" for="staff-active">
                    <input id="staff-active" type="checkbox" prop:checked=active on:change=move |ev| active.set(event_target_checked(&ev))/>
                    "Active (may sign in)"
                </label>
                <FieldErrors error field="active" id="staff-active-errors"/>
                <div class="actions end">
                    <button type="button" class="secondary" on:click=move |_| on_close.run(())>"Back"</button>
                    <button type="submit" class="primary">"Save"</button>
                </div>
            </form>
        </Dialog>
    }
}
