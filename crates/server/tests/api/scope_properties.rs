//! The scope rules as a property: for any mix of sessions and any caller,
//! what the caller can list and open is exactly what the rules allow.

use std::collections::BTreeSet;

use chrono::{Duration, Utc};
use lectern_api_types::Role;
use lectern_api_types::sessions::{CompletionFilter, SessionPage};
use lectern_server::services::ServiceError;
use lectern_server::services::sessions::{find_visible, query};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

use crate::helpers::{TestApp, TestUser, principal};

/// The rule of DESIGN.md, written independently of the code under test.
fn allowed(caller: &TestUser, owner: &TestUser) -> bool {
    match caller.role {
        Role::SuperAdmin => true,
        Role::BranchAdmin => caller.branch_id == owner.branch_id,
        Role::Faculty | Role::Employee => caller.id == owner.id,
    }
}

#[test]
fn any_caller_sees_exactly_the_sessions_the_rules_allow() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let (app, people) = runtime.block_on(async {
        let app = TestApp::spawn().await;
        let a = app.create_branch("PROP-A", "UTC").await;
        let b = app.create_branch("PROP-B", "Asia/Kolkata").await;
        let mut people = vec![app.create_user(Role::SuperAdmin, None).await];
        for branch in [a, b] {
            people.push(app.create_user(Role::BranchAdmin, Some(branch)).await);
            people.push(app.create_user(Role::Faculty, Some(branch)).await);
            people.push(app.create_user(Role::Faculty, Some(branch)).await);
            people.push(app.create_user(Role::Employee, Some(branch)).await);
        }
        (app, people)
    });
    // Everyone but the super admin can own sessions.
    let owners: Vec<usize> = (1..people.len()).collect();
    // Sessions accumulate over the cases: later cases check against all of them.
    let sessions = std::cell::RefCell::new(Vec::<(i64, usize)>::new());
    let reads = app.reads();

    let strategy = (
        proptest::collection::vec(proptest::sample::select(owners), 0..4),
        0..people.len(),
    );
    let mut runner = TestRunner::new(Config {
        cases: 24,
        ..Config::default()
    });
    runner
        .run(&strategy, |(new_owners, caller_index)| {
            runtime.block_on(async {
                for owner in new_owners {
                    let start = Utc::now() - Duration::hours(2 + sessions.borrow().len() as i64);
                    let id = app.ad_hoc_session(&people[owner], start).await.id;
                    sessions.borrow_mut().push((id, owner));
                }
                let sessions = sessions.borrow().clone();
                let caller = &people[caller_index];
                let expected: BTreeSet<i64> = sessions
                    .iter()
                    .filter(|(_, owner)| allowed(caller, &people[*owner]))
                    .map(|(id, _)| *id)
                    .collect();

                let mut listed = BTreeSet::new();
                let mut cursor = None;
                loop {
                    let page = SessionPage {
                        limit: Some(100),
                        cursor: cursor.clone(),
                    };
                    let page = query::list(
                        &reads,
                        &principal(caller),
                        &CompletionFilter::default(),
                        &page,
                    )
                    .await
                    .unwrap();
                    listed.extend(page.items.iter().map(|s| s.id));
                    match page.next_cursor {
                        Some(next) => cursor = Some(next),
                        None => break,
                    }
                }
                prop_assert_eq!(&listed, &expected, "listed by {:?}", caller.role);

                for (id, _) in &sessions {
                    // Reads open it on the fast path, changes through the pool.
                    let read = query::get(&reads, &principal(caller), *id).await.map(drop);
                    let changed = find_visible(&app.db, &principal(caller), *id)
                        .await
                        .map(drop);
                    for opened in [read, changed] {
                        let found = match opened {
                            Ok(()) => true,
                            Err(ServiceError::NotFound(_)) => false,
                            Err(other) => panic!("{other}"),
                        };
                        prop_assert_eq!(
                            found,
                            expected.contains(id),
                            "{:?} opening {}",
                            caller.role,
                            id
                        );
                    }
                }
                Ok(())
            })
        })
        .unwrap();
    drop(app);
}
