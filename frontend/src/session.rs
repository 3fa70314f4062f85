//! Who is signed in. The access token lives only in memory; the refresh
//! token is an HttpOnly cookie the page cannot read, which is how a session
//! survives a reload without a token in storage.

use std::time::Duration;

use lectern_api_types::auth::TokenResponse;
use lectern_api_types::users::User;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api;

#[derive(Clone, Debug, PartialEq)]
pub enum AuthState {
    /// Asking the server whether the refresh cookie still holds.
    Restoring,
    SignedOut,
    SignedIn {
        access_token: String,
        user: User,
    },
}

#[derive(Clone, Copy)]
pub struct Session(RwSignal<AuthState>);

/// Renew this long before the access token expires.
const RENEW_MARGIN_SECONDS: u64 = 60;

impl Session {
    pub fn restore() -> Self {
        let session = Session(RwSignal::new(AuthState::Restoring));
        spawn_local(async move {
            match api::auth::refresh().await {
                Ok(tokens) => session.signed_in(tokens),
                Err(_) => session.0.set(AuthState::SignedOut),
            }
        });
        session
    }

    pub fn state(&self) -> AuthState {
        self.0.get()
    }

    pub fn user(&self) -> Option<User> {
        self.0.with(|state| match state {
            AuthState::SignedIn { user, .. } => Some(user.clone()),
            _ => None,
        })
    }

    pub fn token(&self) -> Option<String> {
        self.0.with_untracked(|state| match state {
            AuthState::SignedIn { access_token, .. } => Some(access_token.clone()),
            _ => None,
        })
    }

    pub fn signed_in(&self, tokens: TokenResponse) {
        let session = *self;
        let renew_in = tokens
            .expires_in
            .saturating_sub(RENEW_MARGIN_SECONDS)
            .max(5);
        self.0.set(AuthState::SignedIn {
            access_token: tokens.access_token,
            user: tokens.user,
        });
        set_timeout(
            move || {
                spawn_local(async move {
                    if session.token().is_none() {
                        return;
                    }
                    match api::auth::refresh().await {
                        Ok(tokens) => session.signed_in(tokens),
                        Err(_) => session.expired(),
                    }
                });
            },
            Duration::from_secs(renew_in),
        );
    }

    /// The server no longer accepts this session.
    pub fn expired(&self) {
        self.0.set(AuthState::SignedOut);
    }

    pub fn sign_out(&self) {
        let session = *self;
        spawn_local(async move {
            // Signed out locally even when the server cannot be told.
            let _ = api::auth::logout().await;
            session.0.set(AuthState::SignedOut);
        });
    }
}

pub fn use_session() -> Session {
    expect_context::<Session>()
}
