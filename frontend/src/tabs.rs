//! Work that the tabs of one browser must not do at the same time. Renewing
//! the session spends the refresh cookie all tabs share: two tabs renewing
//! at once would present one cookie twice. Under the Web Locks API each tab
//! waits for the other, and then sends the cookie the other's answer left.
//! Browsers without it (or pages served over plain HTTP, where it is
//! withheld) run the work at once; the server forgives a cookie presented
//! twice by one browser within a few seconds.

use std::cell::RefCell;
use std::future::Future;
use std::rc::Rc;

use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast as _, JsValue};
use wasm_bindgen_futures::{JsFuture, future_to_promise};

/// `navigator.locks.request` and the object it belongs to, when the browser
/// has them.
fn lock_request() -> Option<(JsValue, js_sys::Function)> {
    let navigator = web_sys::window()?.navigator();
    let locks = js_sys::Reflect::get(&navigator, &JsValue::from_str("locks")).ok()?;
    if locks.is_undefined() || locks.is_null() {
        return None;
    }
    let request = js_sys::Reflect::get(&locks, &JsValue::from_str("request"))
        .ok()?
        .dyn_into::<js_sys::Function>()
        .ok()?;
    Some((locks, request))
}

/// Runs `work` holding the browser-wide lock `name`.
pub async fn exclusively<T, F, W>(name: &str, work: W) -> T
where
    T: 'static,
    F: Future<Output = T> + 'static,
    W: FnOnce() -> F + 'static,
{
    let Some((locks, request)) = lock_request() else {
        return work().await;
    };
    let work = Rc::new(RefCell::new(Some(work)));
    let done: Rc<RefCell<Option<T>>> = Rc::default();
    let granted = {
        let (work, done) = (work.clone(), done.clone());
        Closure::once(move |_lock: JsValue| -> js_sys::Promise {
            future_to_promise(async move {
                let pending = work.borrow_mut().take();
                if let Some(work) = pending {
                    let out = work().await;
                    *done.borrow_mut() = Some(out);
                }
                Ok(JsValue::UNDEFINED)
            })
        })
    };
    // The lock is released when the promise the callback returned settles.
    if let Ok(held) = request.call2(&locks, &JsValue::from_str(name), granted.as_ref()) {
        let _ = JsFuture::from(js_sys::Promise::from(held)).await;
    }
    let finished = done.borrow_mut().take();
    if let Some(out) = finished {
        return out;
    }
    // The browser refused the request before running the work.
    let pending = work.borrow_mut().take();
    match pending {
        Some(work) => work().await,
        None => unreachable!("work that ran leaves its result"),
    }
}
