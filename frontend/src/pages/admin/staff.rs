//! Staff accounts of the admin's scope.

use lectern_api_types::Role;
use lectern_api_types::text::Name;
use lectern_api_types::users::UserQuery;
use lectern_api_types::users::{Email, NewUser, Password, User, UserPatch};
use leptos::prelude::*;

use super::{Select, branch_list};
use crate::api::{self, ApiError};
use crate::components::fields::{FormError, TextField};
use crate::components::paging::{Paged, PagedItems};
use crate::components::{Dialog, FieldErrors, SaveButtons, Saver};
use crate::session::use_session;

#[component]
pub fn Staff() -> impl IntoView {
    let paged = Paged::new(|| {
        api::staff::list(&UserQuery {
            limit: Some(50),
            ..UserQuery::default()
        })
    });
    let editing = RwSignal::new(None::<Option<User>>);
    view! {
        <div class="title-row">
            <h1>"Staff"</h1>
            <button class="primary" on:click=move |_| editing.set(Some(None))>"New account"</button>
        </div>
        <PagedItems paged what="staff" empty=("No staff yet", "Add the people who teach.") show=move |items| view! {
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
        }/>
        {move || editing.get().map(|user| view! { <StaffDialog user on_close=Callback::new(move |()| editing.set(None))/> })}
    }
}

#[component]
fn StaffDialog(user: Option<User>, on_close: Callback<()>) -> impl IntoView {
    let session = use_session();
    let saver = Saver::new(on_close);
    let error = saver.error();
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
        let Ok(chosen) = role.get_untracked().parse::<Role>() else {
            return saver.refuse(ApiError::invalid("role", "choose a role"));
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
            Err(err) => return saver.refuse(err),
        };
        let existing = existing.clone();
        let request = async move {
            match (existing, password) {
                (Some(user), password) => {
                    let patch = UserPatch {
                        email: Some(email),
                        name: Some(name),
                        role: Some(chosen),
                        branch_id: super_admin.then_some(branch_id),
                        active: Some(active.get_untracked()),
                        password,
                    };
                    api::staff::update(session, user.id, &patch).await
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
                    api::staff::create(session, &new).await
                }
                (None, None) => Err(ApiError::invalid("password", "is required")),
            }
        };
        saver.run(request, |saved: &User| format!("{} saved.", saved.name));
    };

    view! {
        <Dialog title on_close>
            <form class="form" on:submit=submit novalidate>
                <FormError error/>
                <TextField id="staff-name" label="Name" field="name" value=name error/>
                <TextField id="staff-email" label="Email" field="email" value=email error kind="email"/>
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
                <SaveButtons saver/>
            </form>
        </Dialog>
    }
}
