//! A session's files: download, play and preview through signed links, all
//! at once as a ZIP, and upload by picker or drag-and-drop with a progress
//! bar per file.

use lectern_api_types::sessions::{Attachment, DownloadPage, UploadLimits};
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast as _;
use web_sys::XmlHttpRequest;

use crate::api::{self, ApiError};
use crate::components::download_button::DownloadButton;
use crate::components::icons::ClipIcon;
use crate::components::paging::{Load, PageFooter, Paged};
use crate::components::{Empty, ErrorNote, Loading};
use crate::session::use_session;
use crate::upload::{CANCELLED, upload};
use crate::{format, use_changes, use_notice};

/// An upload in progress, or finished with an error.
#[derive(Clone, Debug, PartialEq)]
struct Sending {
    id: u32,
    name: String,
    fraction: f64,
    error: Option<String>,
}

/// The uploads of the page, kept by the page rather than by the files'
/// section, which is drawn again each time the session reloads.
#[derive(Clone, Copy)]
pub(super) struct Uploads {
    sending: RwSignal<Vec<Sending>>,
    /// Each upload's request on its way, to cancel it with.
    requests: StoredValue<Vec<(u32, XmlHttpRequest)>, LocalStorage>,
    // Said once for the files added next, as the old module's form did.
    description: RwSignal<String>,
    next_id: StoredValue<u32>,
}

impl Uploads {
    pub(super) fn new() -> Self {
        Self {
            sending: RwSignal::new(Vec::new()),
            requests: StoredValue::new_local(Vec::new()),
            description: RwSignal::new(String::new()),
            next_id: StoredValue::new(0),
        }
    }

    /// Stops upload `id` and forgets it: a 100 MB recording on a phone's
    /// connection is worth stopping when it was the wrong file.
    fn cancel(self, id: u32) {
        self.dismiss(id);
        self.requests.update_value(|all| {
            all.retain(|(each, request)| {
                if *each == id {
                    // Aborting one not yet sent, or already done, does nothing.
                    let _ = request.abort();
                }
                *each != id
            });
        });
    }

    /// Takes an upload's row away.
    fn dismiss(self, id: u32) {
        self.sending.update(|all| all.retain(|s| s.id != id));
    }

    /// Whether upload `id` was cancelled. One whose page was left goes on:
    /// it still says when it ends.
    fn cancelled(self, id: u32) -> bool {
        self.sending
            .try_with_untracked(|all| all.iter().all(|s| s.id != id))
            .unwrap_or(false)
    }
}

#[component]
pub fn Files(
    completion_id: i64,
    attachments: Vec<Attachment>,
    /// A verified record: its files can be read, not added or deleted.
    locked: bool,
    /// Admins see who downloaded each file.
    admin: bool,
    /// The branch's, in which download times are shown.
    #[prop(into)]
    timezone: String,
    uploads: Uploads,
) -> impl IntoView {
    let session = use_session();
    let limits =
        LocalResource::new(move || async move { api::files::limits().fetch(session).await });
    let Uploads {
        sending,
        requests,
        description,
        next_id,
    } = uploads;
    let dragging = RwSignal::new(false);
    let changes = use_changes();
    let notice = use_notice();

    let start = move |file: web_sys::File| {
        let id = next_id.get_value();
        next_id.set_value(id + 1);
        let name = file.name();
        let refusal = match limits.get() {
            Some(Ok(limits)) => refuse(&limits, &file),
            _ => None,
        };
        sending.update(|all| {
            all.push(Sending {
                id,
                name: name.clone(),
                fraction: 0.0,
                error: refusal.clone(),
            });
        });
        if refusal.is_some() {
            return;
        }
        let described =
            Some(description.get_untracked().trim().to_owned()).filter(|d| !d.is_empty());
        spawn_local(async move {
            let progress = move |fraction: f64| {
                sending.update(|all| {
                    if let Some(entry) = all.iter_mut().find(|s| s.id == id) {
                        entry.fraction = fraction;
                    }
                });
            };
            // A request sent again (after a renewal) once its upload was
            // cancelled is stopped at once.
            let out = move |request: XmlHttpRequest| {
                if uploads.cancelled(id) {
                    let _ = request.abort();
                    return;
                }
                requests.try_update_value(|all| all.push((id, request)));
            };
            let answer = upload(session, completion_id, file, described, progress, out).await;
            requests.try_update_value(|all| all.retain(|(each, _)| *each != id));
            match answer {
                Ok(stored) => {
                    sending.update(|all| all.retain(|s| s.id != id));
                    // The page may have been left meanwhile, its signals
                    // with it: only the notice (the app's) remains to tell.
                    let typed = description.try_get_untracked();
                    if stored.description.is_some()
                        && stored.description == typed.map(|typed| typed.trim().to_owned())
                    {
                        description.set(String::new());
                    }
                    notice.show(format!("{} uploaded.", stored.file_name));
                    changes.bump();
                }
                // Its row went when it was cancelled. The server may have
                // had the whole file by then: the list shows what it kept.
                Err(ApiError::Network(said)) if said == CANCELLED => changes.bump(),
                Err(err) => {
                    let shown = sending.try_update(|all| {
                        if let Some(entry) = all.iter_mut().find(|s| s.id == id) {
                            entry.error = Some(err.message());
                        }
                    });
                    // The page was left: its list is gone, the notice is not.
                    if shown.is_none() {
                        notice.show(format!("{name} was not uploaded: {}", err.message()));
                    }
                }
            }
        });
    };

    let on_pick = move |ev: leptos::ev::Event| {
        let input: web_sys::HtmlInputElement = event_target(&ev);
        if let Some(files) = input.files() {
            for index in 0..files.length() {
                if let Some(file) = files.get(index) {
                    start(file);
                }
            }
        }
        input.set_value("");
    };
    let on_drop = move |ev: leptos::ev::DragEvent| {
        ev.prevent_default();
        dragging.set(false);
        if let Some(files) = ev.data_transfer().and_then(|t| t.files()) {
            for index in 0..files.length() {
                if let Some(file) = files.get(index) {
                    start(file);
                }
            }
        }
    };

    let has_files = !attachments.is_empty();
    // One file downloads as itself; a ZIP only saves clicks from two on.
    let zip = (attachments.len() >= 2).then(|| {
        view! {
            <DownloadButton
                file=api::files::session_zip(completion_id)
                fallback=format!("session-{completion_id}-files.zip")
                label="Download all (ZIP)"
                class="secondary small zip-all"
            />
        }
    });
    view! {
        <section class="card" aria-labelledby="files-heading">
            <div class="section-head">
                <h2 id="files-heading"><ClipIcon/>" Files"</h2>
                {zip}
            </div>
            {if has_files {
                view! {
                    <ul class="files">
                        {attachments.into_iter().map(|a| view! { <FileRow attachment=a locked admin timezone=timezone.clone()/> }).collect_view()}
                    </ul>
                }
                .into_any()
            } else if locked {
                view! { <Empty title="No files" hint="The record was verified without files."/> }.into_any()
            } else {
                view! { <Empty title="No files yet" hint="Add the class recording, slides or handouts."/> }.into_any()
            }}
            <Show when=move || !locked>
            <div class="field">
                <label for="file-description">"Description " <span class="muted">"(optional, for the files you add next)"</span></label>
                <input
                    id="file-description"
                    type="text"
                    maxlength="2000"
                    placeholder="Recording of the lecture"
                    prop:value=move || description.get()
                    on:input=move |ev| description.set(event_target_value(&ev))
                />
            </div>
            <div
                class="drop-zone"
                class:dragging=move || dragging.get()
                on:dragover=move |ev: leptos::ev::DragEvent| {
                    ev.prevent_default();
                    dragging.set(true);
                }
                on:dragleave=move |_| dragging.set(false)
                on:drop=on_drop
            >
                <p>"Drop files here, or"</p>
                <label class="button-link secondary" for="file-picker">"Choose files"</label>
                <input id="file-picker" class="visually-hidden-input" type="file" multiple on:change=on_pick/>
                <p class="muted">
                    {move || match limits.get() {
                        Some(Ok(limits)) => format!("Up to {} each: PDF, video, audio, Word, Excel and images.", format::bytes(limits.max_upload_bytes as i64)),
                        _ => "PDF, video, audio, Word, Excel and images.".into(),
                    }}
                </p>
            </div>
            </Show>
            // Keyed by upload and outcome, not progress: a row is drawn once
            // and its bar moves, so a screen reader is not read every step.
            <ul class="uploads">
                <For each=move || sending.get() key=|s| (s.id, s.error.clone()) let:entry>
                    <UploadRow entry uploads/>
                </For>
            </ul>
        </section>
    }
}

/// One upload on its way, with its bar and a way to stop it, or one that
/// failed, with why and a way to clear it.
#[component]
fn UploadRow(entry: Sending, uploads: Uploads) -> impl IntoView {
    let Sending {
        id, name, error, ..
    } = entry;
    let fraction = move || {
        uploads
            .sending
            .with(|all| all.iter().find(|s| s.id == id).map_or(0.0, |s| s.fraction))
    };
    let notice = use_notice();
    view! {
        <li class="upload">
            <span class="upload-name">{name.clone()}</span>
            {match error {
                Some(error) => view! {
                    <span class="field-error" role="alert">{error}</span>
                    <button type="button" class="link" aria-label=format!("Dismiss {name}") on:click=move |_| uploads.dismiss(id)>"Dismiss"</button>
                }
                .into_any(),
                None => {
                    let label = format!("Uploading {name}");
                    let cancel_label = format!("Cancel uploading {name}");
                    view! {
                        <progress max="100" value=move || (fraction() * 100.0).round() aria-label=label></progress>
                        <span class="muted" aria-hidden="true">{move || format::percent(Some(fraction()))}</span>
                        <button type="button" class="link danger-text" aria-label=cancel_label on:click=move |_| {
                            uploads.cancel(id);
                            notice.show(format!("Upload of {name} cancelled."));
                        }>"Cancel"</button>
                    }
                    .into_any()
                }
            }}
        </li>
    }
}

/// Why the browser can already tell the server would refuse this file.
fn refuse(limits: &UploadLimits, file: &web_sys::File) -> Option<String> {
    let name = file.name();
    let extension = name
        .rsplit_once('.')
        .map(|(_, ext)| ext.to_ascii_lowercase())
        .unwrap_or_default();
    if !limits.extensions.contains(&extension) {
        return Some(format!("{name}: this kind of file is not accepted."));
    }
    if file.size() > limits.max_upload_bytes as f64 {
        return Some(format!(
            "{name} is larger than {}.",
            format::bytes(limits.max_upload_bytes as i64)
        ));
    }
    None
}

fn event_target<T: wasm_bindgen::JsCast>(ev: &leptos::ev::Event) -> T {
    ev.target()
        .and_then(|target| target.dyn_into::<T>().ok())
        .unwrap_or_else(|| unreachable!("the handler sits on this element"))
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Preview {
    Video,
    Audio,
    Image,
    Pdf,
    None,
}

fn preview_of(mime: &str) -> Preview {
    match mime.split('/').next() {
        Some("video") => Preview::Video,
        Some("audio") => Preview::Audio,
        Some("image") => Preview::Image,
        _ if mime == "application/pdf" => Preview::Pdf,
        _ => Preview::None,
    }
}

#[component]
fn FileRow(attachment: Attachment, locked: bool, admin: bool, timezone: String) -> impl IntoView {
    let session = use_session();
    let changes = use_changes();
    let preview = preview_of(&attachment.mime_type);
    let shown = RwSignal::new(None::<String>);
    let auditing = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);
    let (completion_id, id) = (attachment.completion_id, attachment.id);
    let link = move || async move { api::files::link(session, completion_id, id).await };
    let download = move |_| {
        spawn_local(async move {
            match link().await {
                Ok(link) => {
                    let _ = window().location().assign(&link.url);
                }
                Err(err) => error.set(Some(err)),
            }
        });
    };
    let show = move |_| {
        spawn_local(async move {
            match link().await {
                // PDFs open in a tab of their own, where the browser's viewer
                // has the whole window.
                Ok(link) if preview == Preview::Pdf => {
                    let _ = window()
                        .open_with_url_and_target(&format!("{}&inline=1", link.url), "_blank");
                }
                Ok(link) => shown.set(Some(format!("{}&inline=1", link.url))),
                Err(err) => error.set(Some(err)),
            }
        });
    };
    let remove = move |_| {
        if !window()
            .confirm_with_message("Delete this file?")
            .unwrap_or(false)
        {
            return;
        }
        spawn_local(async move {
            match api::files::delete(session, completion_id, id).await {
                Ok(()) => changes.bump(),
                Err(err) => error.set(Some(err)),
            }
        });
    };
    let show_label = match preview {
        Preview::Video | Preview::Audio => "Play",
        Preview::Image => "Preview",
        Preview::Pdf => "Open",
        Preview::None => "",
    };
    let name = attachment.file_name.clone();
    view! {
        <li class="file">
            <div class="file-head">
                <span class="file-name">{attachment.file_name.clone()}</span>
                <span class="muted">{format!("{} · {}", format::bytes(attachment.size_bytes), attachment.mime_type)}</span>
            </div>
            {attachment.description.clone().map(|d| view! { <p class="muted">{d}</p> })}
            <div class="actions">
                <button class="secondary" on:click=download aria-label=format!("Download {name}")>"Download"</button>
                {(preview != Preview::None).then(|| view! {
                    <button class="secondary" on:click=show>{show_label}</button>
                })}
                {admin.then(|| view! {
                    <button class="secondary" aria-expanded=move || auditing.get().to_string()
                        on:click=move |_| auditing.update(|open| *open = !*open)>
                        {format!("Downloads ({})", attachment.download_count)}
                    </button>
                })}
                {(!locked).then(|| view! {
                    <button class="secondary danger-text" on:click=remove aria-label=format!("Delete {}", attachment.file_name)>"Delete"</button>
                })}
            </div>
            {move || auditing.get().then(|| view! { <Downloads completion_id attachment_id=id timezone=timezone.clone()/> })}
            {move || error.get().map(|error| view! { <ErrorNote error/> })}
            {move || shown.get().map(|url| match preview {
                Preview::Video => view! { <video class="player" controls src=url></video> }.into_any(),
                Preview::Audio => view! { <audio class="player" controls src=url></audio> }.into_any(),
                Preview::Image => view! { <img class="preview" src=url alt=format!("Preview of {}", attachment.file_name)/> }.into_any(),
                Preview::Pdf | Preview::None => ().into_any(),
            })}
        </li>
    }
}

/// Who downloaded a file, newest first: the record admins audit.
#[component]
fn Downloads(completion_id: i64, attachment_id: i64, timezone: String) -> impl IntoView {
    let paged = Paged::new(move || {
        api::files::downloads(
            completion_id,
            attachment_id,
            &DownloadPage {
                limit: Some(20),
                cursor: None,
            },
        )
    });
    view! {
        <div class="downloads">
            {move || {
                let items = paged.items.get();
                match paged.load.get() {
                    Load::Loading if items.is_empty() => view! { <Loading what="downloads"/> }.into_any(),
                    Load::Failed(error) if items.is_empty() => view! { <ErrorNote error/> }.into_any(),
                    _ if items.is_empty() => view! { <p class="muted">"Nobody has downloaded it yet."</p> }.into_any(),
                    _ => view! {
                        <table class="table compact">
                            <caption class="visually-hidden">"Downloads, newest first"</caption>
                            <thead><tr><th scope="col">"Who"</th><th scope="col">"When"</th><th scope="col">"How"</th></tr></thead>
                            <tbody>
                                {items.into_iter().map(|d| view! {
                                    <tr>
                                        <td>{d.user_name.unwrap_or_else(|| format!("Account {}", d.user_id))}</td>
                                        <td>{format::moment(d.downloaded_at, &timezone)}</td>
                                        <td>{d.via.label()}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    }
                    .into_any(),
                }
            }}
            <PageFooter paged/>
        </div>
    }
}
