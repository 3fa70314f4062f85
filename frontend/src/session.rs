//! Who is signed in. The access token lives only in memory; the refresh
//! token is an HttpOnly cookie the page cannot read, which is how a session
//! survives a reload without a token in storage.

use std::time::Duration;

use lectern_api_types::auth::TokenResponse;
use lectern_api_types::users::User;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::{self, ApiError};

#[derive(Clone, Debug, PartialEq)]
pub enum AuthState {
    /// Asking the server whether the refresh cookie still holds.
    Restoring,
    /// `come_back`: the sign-in ran out, or never was, on a page worth
    /// returning to; not when the person signed out, on a computer the next
    /// person may use.
    SignedOut {
        come_back: bool,
    },
    SignedIn {
        access_token: String,
        user: User,
    },
}

#[derive(Clone, Copy)]
pub struct Session {
    state: RwSignal<AuthState>,
    /// Counts sign-ins: a renewal timer set for an earlier one does nothing,
    /// so renewals do not pile up one chain per sign-in.
    signed_in: StoredValue<u64>,
}

/// Renew this long before the access token expires.
const RENEW_MARGIN_SECONDS: u64 = 60;
/// How soon to try again when a renewal could not reach the server.
const RENEW_RETRY_SECONDS: u64 = 20;

impl Session {
    pub fn restore() -> Self {
        let session = Session {
            state: RwSignal::new(AuthState::Restoring),
            signed_in: StoredValue::new(0),
        };
        spawn_local(async move {
            match api::auth::refresh().await {
                Ok(tokens) => session.signed_in(tokens),
                Err(_) => session.state.set(AuthState::SignedOut { come_back: true }),
            }
        });
        session
    }

    pub fn state(&self) -> AuthState {
        self.state.get()
    }

    pub fn user(&self) -> Option<User> {
        self.state.with(|state| match state {
            AuthState::SignedIn { user, .. } => Some(user.clone()),
            _ => None,
        })
    }

    pub fn token(&self) -> Option<String> {
        self.state.with_untracked(|state| match state {
            AuthState::SignedIn { access_token, .. } => Some(access_token.clone()),
            _ => None,
        })
    }

    pub fn signed_in(&self, tokens: TokenResponse) {
        let renew_in = tokens
            .expires_in
            .saturating_sub(RENEW_MARGIN_SECONDS)
            .max(5);
        self.state.set(AuthState::SignedIn {
            access_token: tokens.access_token,
            user: tokens.user,
        });
        self.signed_in.update_value(|n| *n += 1);
        self.renew_after(Duration::from_secs(renew_in));
    }

    fn renew_after(&self, wait: Duration) {
        let session = *self;
        let this_sign_in = self.signed_in.get_value();
        set_timeout(
            move || {
                if session.signed_in.get_value() != this_sign_in || session.token().is_none() {
                    return;
                }
                spawn_local(async move {
                    match api::auth::refresh().await {
                        Ok(tokens) => session.signed_in(tokens),
                        Err(err) if refused(&err) => session.expired(),
                        // A phone between networks: the token may still
                        // hold, and the next try may get through.
                        Err(_) => session.renew_after(Duration::from_secs(RENEW_RETRY_SECONDS)),
                    }
                });
            },
            wait,
        );
    }

    /// A renewal failed: signed out only if the server refused it, not
    /// when it could not be reached, so a dropped connection does not
    /// throw away the page and what is typed on it.
    pub fn renewal_failed(&self, err: &ApiError) {
        if refused(err) {
            self.expired();
        }
    }

    /// The server no longer accepts this session.
    pub fn expired(&self) {
        self.state.set(AuthState::SignedOut { come_back: true });
    }

    /// Signs out once the server has forgotten the sign-in (or says there
    /// was none); until then the sign-in stays, since its cookie would bring
    /// it back on the next visit, and `failed` says why.
    pub fn sign_out(&self, failed: impl FnOnce(ApiError) + 'static) {
        let session = *self;
        spawn_local(async move {
            match api::auth::logout().await {
                Err(err) if !refused(&err) => failed(err),
                _ => session.state.set(AuthState::SignedOut { come_back: false }),
            }
        });
    }
}

/// Whether the server answered a renewal with no: the sign-in is over.
fn refused(err: &ApiError) -> bool {
    matches!(err, ApiError::Problem(problem) if problem.status == 401)
}

pub fn use_session() -> Session {
    expect_context::<Session>()
}
