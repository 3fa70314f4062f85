//! The session list's filter form. It shows the filter the URL holds and
//! applies a new one by navigating, so the URL stays the one truth.

use lectern_api_types::batches::Batch;
use lectern_api_types::codes::CompletionCode;
use lectern_api_types::schedule::{NoteType, Review};
use lectern_api_types::sessions::{CompletionFilter, SessionSort};
use lectern_api_types::users::User;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use leptos_router::params::ParamsMap;

use crate::api::ApiError;
use crate::components::FieldErrors;
use crate::components::fields::{focus_first_invalid, form_of_focus};
use crate::components::pick::TypeAhead;
use crate::filters;
use crate::pages::admin::{Select, branch_list};

/// What the form holds, as typed: one text per query parameter.
#[derive(Clone, Copy)]
struct Drafts {
    branch: RwSignal<String>,
    staff: RwSignal<String>,
    batch: RwSignal<String>,
    status: RwSignal<String>,
    review: RwSignal<String>,
    from: RwSignal<String>,
    to: RwSignal<String>,
    q: RwSignal<String>,
    code: RwSignal<String>,
    sort: RwSignal<String>,
    late: RwSignal<String>,
    overdue: RwSignal<String>,
    files: RwSignal<String>,
    note_type: RwSignal<String>,
}

impl Drafts {
    fn new() -> Self {
        let text = || RwSignal::new(String::new());
        Self {
            branch: text(),
            staff: text(),
            batch: text(),
            status: text(),
            review: text(),
            from: text(),
            to: text(),
            q: text(),
            code: text(),
            sort: text(),
            late: text(),
            overdue: text(),
            files: text(),
            note_type: text(),
        }
    }

    /// Each draft under the query parameter it becomes.
    fn fields(self) -> [(&'static str, RwSignal<String>); 14] {
        [
            ("branch_id", self.branch),
            ("user_id", self.staff),
            ("batch_id", self.batch),
            ("status", self.status),
            ("review", self.review),
            ("from", self.from),
            ("to", self.to),
            ("q", self.q),
            ("code", self.code),
            ("sort", self.sort),
            ("late", self.late),
            ("overdue", self.overdue),
            ("has_attachments", self.files),
            ("note_type", self.note_type),
        ]
    }

    fn show(self, filter: &CompletionFilter) {
        let pairs = filter.to_pairs();
        for (key, draft) in self.fields() {
            let value = pairs.iter().find(|(name, _)| *name == key);
            draft.set(value.map(|(_, value)| value.clone()).unwrap_or_default());
        }
        if self.sort.get_untracked().is_empty() {
            self.sort.set(SessionSort::default().as_str().to_owned());
        }
    }

    /// The filter typed, read as the URL would be; a code that cannot be
    /// one is refused rather than dropped.
    fn read(self) -> Result<CompletionFilter, ApiError> {
        let code = self.code.get_untracked();
        if !code.trim().is_empty()
            && let Err(err) = CompletionCode::parse(&code)
        {
            return Err(ApiError::invalid("code", &err.to_string()));
        }
        let query: ParamsMap = self
            .fields()
            .into_iter()
            .map(|(key, draft)| (key, draft.get_untracked()))
            .collect();
        Ok(filters::from_query(&query))
    }
}

fn choices<T: Copy>(
    all: impl IntoIterator<Item = T>,
    value: fn(T) -> &'static str,
    label: fn(T) -> &'static str,
) -> Signal<Vec<(String, String)>> {
    let list: Vec<(String, String)> = all
        .into_iter()
        .map(|item| (value(item).to_owned(), label(item).to_owned()))
        .collect();
    Signal::derive(move || list.clone())
}

fn yes_no(yes: &str, no: &str) -> Signal<Vec<(String, String)>> {
    let list = vec![
        ("true".to_owned(), yes.to_owned()),
        ("false".to_owned(), no.to_owned()),
    ];
    Signal::derive(move || list.clone())
}

#[component]
pub fn FilterForm(filter: Memo<CompletionFilter>, admin: bool, super_admin: bool) -> impl IntoView {
    let navigate = StoredValue::new_local(use_navigate());
    let go = move |filter: &CompletionFilter| {
        let href = filters::list_href(filter);
        navigate.with_value(|navigate| navigate(&href, Default::default()));
    };
    let drafts = Drafts::new();
    let error = RwSignal::new(None::<ApiError>);
    // The form follows the URL, also when back or forward changes it.
    Effect::new(move || {
        drafts.show(&filter.get());
        error.set(None);
    });
    let apply = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        match drafts.read() {
            Ok(filter) => go(&filter),
            Err(err) => {
                focus_first_invalid(&err, form_of_focus());
                error.set(Some(err));
            }
        }
    };
    let reset = move |_| go(&CompletionFilter::default());

    view! {
        <form class="filters card" on:submit=apply aria-label="Filter sessions">
            {super_admin.then(|| view! { <BranchSelect value=drafts.branch/> })}
            {admin.then(|| view! { <StaffSelect value=drafts.staff/> })}
            <BatchSelect value=drafts.batch/>
            <Select id="filter-status" label="Status" value=drafts.status any="Any status"
                options=Signal::derive(|| vec![("pending".into(), "Pending".into()), ("completed".into(), "Completed".into()), ("cancelled".into(), "Cancelled".into())])/>
            <Select id="filter-review" label="Review" value=drafts.review any="Any review"
                options=choices(Review::ALL, Review::as_str, Review::label)/>
            <Select id="filter-overdue" label="Overdue" value=drafts.overdue any="Either"
                options=yes_no("Overdue: ended, not recorded", "Not yet ended")/>
            <Select id="filter-late" label="Punctuality" value=drafts.late any="Either"
                options=yes_no("Started late", "Started on time")/>
            <Select id="filter-files" label="Files" value=drafts.files any="Either"
                options=yes_no("With files", "Without files")/>
            <Select id="filter-note-type" label="Has a comment of type" value=drafts.note_type any="Any or none"
                options=choices(NoteType::ALL, NoteType::as_str, NoteType::label)/>
            <div class="field">
                <label for="filter-from">"From"</label>
                <input id="filter-from" type="date" prop:value=drafts.from on:input=move |ev| drafts.from.set(event_target_value(&ev))/>
            </div>
            <div class="field">
                <label for="filter-to">"To"</label>
                <input id="filter-to" type="date" prop:value=drafts.to on:input=move |ev| drafts.to.set(event_target_value(&ev))/>
            </div>
            <div class="field">
                <label for="filter-code">"Completion code"</label>
                <input id="filter-code" type="text" class="code" autocomplete="off" spellcheck="false"
                    aria-describedby="filter-code-error"
                    prop:value=drafts.code on:input=move |ev| drafts.code.set(event_target_value(&ev))/>
                <FieldErrors error=error.read_only() field="code" id="filter-code-error"/>
            </div>
            <div class="field grow">
                <label for="filter-q">"Search"</label>
                <input id="filter-q" type="search" placeholder="Title, notes, code, batch, staff or comments"
                    prop:value=drafts.q on:input=move |ev| drafts.q.set(event_target_value(&ev))/>
            </div>
            <Select id="filter-sort" label="Order" value=drafts.sort
                options=choices(SessionSort::ALL, SessionSort::as_str, SessionSort::label)/>
            <div class="actions end">
                <button type="button" class="secondary" on:click=reset>"Clear"</button>
                <button type="submit" class="primary">"Apply"</button>
            </div>
        </form>
    }
}

#[component]
fn BranchSelect(value: RwSignal<String>) -> impl IntoView {
    let branches = branch_list();
    view! {
        <Select id="filter-branch" label="Branch" value any="Every branch"
            options=Signal::derive(move || branches.get().and_then(Result::ok).unwrap_or_default().into_iter().map(|b| (b.id.to_string(), b.name)).collect())/>
    }
}

/// Staff members to filter by, found by typing: an institute has more
/// than a page of them.
#[component]
fn StaffSelect(value: RwSignal<String>) -> impl IntoView {
    view! {
        <TypeAhead<User> id="filter-staff" label="Staff member" value placeholder="Everyone"/>
    }
}

#[component]
fn BatchSelect(value: RwSignal<String>) -> impl IntoView {
    view! {
        <TypeAhead<Batch> id="filter-batch" label="Batch" value placeholder="Every batch"/>
    }
}
