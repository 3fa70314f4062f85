//! The institute's branches: super admins add and change them; a branch
//! admin sees their own. A branch's timezone is where all its local times
//! live, so it is picked from the names the browser knows.

use lectern_api_types::Role;
use lectern_api_types::branches::{Branch, BranchPatch, NewBranch};
use lectern_api_types::codes::ShortCode;
use lectern_api_types::page::PageQuery;
use lectern_api_types::text::Name;
use leptos::prelude::*;

use crate::api::{self, ApiError};
use crate::components::fields::{FormError, TextField};
use crate::components::paging::{Paged, PagedItems};
use crate::components::{Dialog, SaveButtons, Saver};
use crate::session::use_session;

#[component]
pub fn Branches() -> impl IntoView {
    let super_admin = use_session()
        .user()
        .is_some_and(|me| me.role == Role::SuperAdmin);
    let paged = Paged::new(|| {
        api::branches::list(&PageQuery {
            limit: Some(50),
            cursor: None,
        })
    });
    let editing = RwSignal::new(None::<Option<Branch>>);
    view! {
        <div class="title-row">
            <h1>"Branches"</h1>
            {super_admin.then(|| view! {
                <button class="primary" on:click=move |_| editing.set(Some(None))>"New branch"</button>
            })}
        </div>
        <PagedItems paged what="branches" empty=("No branches yet", "Add the institute's first site.") show=move |items| view! {
                    <table class="table responsive">
                        <caption class="visually-hidden">"Branches"</caption>
                        <thead><tr>
                            <th scope="col">"Name"</th><th scope="col">"Code"</th><th scope="col">"Timezone"</th>
                            <th scope="col"><span class="visually-hidden">"Actions"</span></th>
                        </tr></thead>
                        <tbody>
                            {items.into_iter().map(|branch| {
                                let edit = branch.clone();
                                view! {
                                    <tr>
                                        <td data-label="Name">{branch.name.clone()}</td>
                                        <td data-label="Code"><span class="code">{branch.code.clone()}</span></td>
                                        <td data-label="Timezone">{branch.timezone.clone()}</td>
                                        <td class="row-actions">
                                            <a class="button-link secondary small" href=format!("/admin/branches/{}/holidays", branch.id)
                                                aria-label=format!("Holidays of {}", branch.name)>"Holidays"</a>
                                            {super_admin.then(|| view! {
                                                <button class="secondary small" aria-label=format!("Edit {}", branch.name)
                                                    on:click=move |_| editing.set(Some(Some(edit.clone())))>"Edit"</button>
                                            })}
                                        </td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
        }/>
        {move || editing.get().map(|branch| view! { <BranchDialog branch on_close=Callback::new(move |()| editing.set(None))/> })}
    }
}

/// Every IANA timezone name the browser knows, for the timezone's choices.
fn timezones() -> Vec<String> {
    let Ok(intl) = js_sys::Reflect::get(&js_sys::global(), &"Intl".into()) else {
        return Vec::new();
    };
    js_sys::Reflect::get(&intl, &"supportedValuesOf".into())
        .ok()
        .and_then(|f| wasm_bindgen::JsCast::dyn_into::<js_sys::Function>(f).ok())
        .and_then(|f| f.call1(&intl, &"timeZone".into()).ok())
        .map(|names| {
            js_sys::Array::from(&names)
                .iter()
                .filter_map(|name| name.as_string())
                .collect()
        })
        .unwrap_or_default()
}

#[component]
fn BranchDialog(branch: Option<Branch>, on_close: Callback<()>) -> impl IntoView {
    let session = use_session();
    let saver = Saver::new(on_close);
    let error = saver.error();
    let name = RwSignal::new(branch.as_ref().map(|b| b.name.clone()).unwrap_or_default());
    let code = RwSignal::new(branch.as_ref().map(|b| b.code.clone()).unwrap_or_default());
    let timezone = RwSignal::new(
        branch
            .as_ref()
            .map_or_else(crate::format::viewer_zone, |b| b.timezone.clone()),
    );
    let title = if branch.is_some() {
        "Edit branch"
    } else {
        "New branch"
    };
    let existing = branch.map(|b| b.id);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let typed = (|| {
            let name = api::typed::<Name>(&name.get_untracked(), "name")?;
            let code = api::typed::<ShortCode>(&code.get_untracked(), "code")?;
            Ok::<_, ApiError>((name, code, timezone.get_untracked().trim().to_owned()))
        })();
        let (name, code, timezone) = match typed {
            Ok(typed) => typed,
            Err(err) => return saver.refuse(err),
        };
        let request = async move {
            match existing {
                Some(id) => {
                    let patch = BranchPatch {
                        name: Some(name),
                        code: Some(code),
                        timezone: Some(timezone),
                    };
                    api::branches::update(session, id, &patch).await
                }
                None => {
                    let new = NewBranch {
                        name,
                        code,
                        timezone,
                    };
                    api::branches::create(session, &new).await
                }
            }
        };
        saver.run(request, |saved: &Branch| format!("{} saved.", saved.name));
    };
    view! {
        <Dialog title on_close>
            <form class="form" on:submit=submit novalidate>
                <FormError error/>
                <TextField id="branch-name" label="Name" field="name" value=name error/>
                <TextField id="branch-code" label="Code" field="code" value=code error/>
                <TextField id="branch-timezone" label="Timezone" field="timezone" value=timezone error list="timezone-names"/>
                <datalist id="timezone-names">
                    {timezones().into_iter().map(|zone| view! { <option value=zone></option> }).collect_view()}
                </datalist>
                <SaveButtons saver/>
            </form>
        </Dialog>
    }
}
