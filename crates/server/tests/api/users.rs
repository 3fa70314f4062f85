use lectern_api_types::Page;
use lectern_api_types::Role;
use lectern_api_types::users::User;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{PASSWORD, TestApp, assert_problem, json};

fn new_user(email: &str, role: &str, branch: Option<i64>) -> Value {
    json!({"email": email, "name": "Asha Rao", "role": role, "branch_id": branch, "password": PASSWORD})
}

#[tokio::test]
async fn an_admin_creates_an_account_that_can_then_sign_in() {
    let app = TestApp::spawn().await;
    let branch = app.create_branch("PUNE", "Asia/Kolkata").await;
    let admin = app.create_user(Role::BranchAdmin, Some(branch)).await;
    let token = app.login(&admin).await;

    let response = app.post("/users", &token, &json!({
        "email": "  Asha.Rao@Example.ORG ", "name": "Asha Rao", "role": "faculty", "password": PASSWORD
    })).await;

    let created: Value = json(response, StatusCode::CREATED).await;
    assert_eq!(created["email"], "asha.rao@example.org");
    assert_eq!(
        created["branch_id"], branch,
        "a branch admin's staff join its branch"
    );
    assert_eq!(created["active"], true);
    let keys: Vec<&str> = created
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert!(
        !keys
            .iter()
            .any(|k| k.contains("password") && *k != "password_change_required"),
        "{keys:?}"
    );
    assert_eq!(
        created["password_change_required"], false,
        "a new account's password is its own"
    );
    assert_eq!(
        app.login_response("ASHA.RAO@example.org", PASSWORD)
            .await
            .status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn emails_are_unique_whatever_their_letter_case() {
    let app = TestApp::spawn().await;
    let admin = app.create_user(Role::SuperAdmin, None).await;
    let token = app.login(&admin).await;

    let problem = assert_problem(
        app.post(
            "/users",
            &token,
            &new_user(&admin.email.to_uppercase(), "super_admin", None),
        )
        .await,
        StatusCode::CONFLICT,
    )
    .await;

    assert_eq!(problem["type"], "urn:lectern:problem:duplicate");
    assert!(problem["errors"]["email"].is_array(), "{problem}");
}

#[tokio::test]
async fn invalid_accounts_are_refused_field_by_field() {
    let app = TestApp::spawn().await;
    let admin = app.create_user(Role::SuperAdmin, None).await;
    let token = app.login(&admin).await;

    let problem = assert_problem(
        app.post("/users", &token, &json!({"email": "not-an-email", "name": "", "role": "faculty", "branch_id": 1, "password": "short"})).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    for field in ["email", "name", "password"] {
        assert!(problem["errors"][field].is_array(), "{field} in {problem}");
    }

    let problem = assert_problem(
        app.post(
            "/users",
            &token,
            &new_user("x@lectern.test", "faculty", None),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert!(
        problem["errors"]["branch_id"].is_array(),
        "faculty need a branch: {problem}"
    );

    let problem = assert_problem(
        app.post(
            "/users",
            &token,
            &new_user("x@lectern.test", "faculty", Some(999_999)),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(problem["errors"]["branch_id"][0], "no such branch");

    let problem = assert_problem(
        app.post("/users", &token, &json!({"email": "x@lectern.test", "name": "X", "role": "wizard", "password": PASSWORD})).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert!(problem["errors"]["role"].is_array(), "{problem}");
}

#[tokio::test]
async fn staff_lists_page_by_cursor_and_filter() {
    let app = TestApp::spawn().await;
    let branch = app.create_branch("HQ", "UTC").await;
    let admin = app.create_user(Role::SuperAdmin, None).await;
    for _ in 0..4 {
        app.create_user(Role::Faculty, Some(branch)).await;
    }
    app.create_user(Role::Employee, Some(branch)).await;
    let token = app.login(&admin).await;

    let mut seen = Vec::new();
    let mut path = "/users?role=faculty&limit=3".to_owned();
    loop {
        let page: Page<User> = json(app.get(&path, &token).await, StatusCode::OK).await;
        assert!(page.items.len() <= 3);
        seen.extend(page.items.iter().map(|u| (u.id, u.role)));
        match page.next_cursor {
            Some(cursor) => path = format!("/users?role=faculty&limit=3&cursor={cursor}"),
            None => break,
        }
    }
    assert_eq!(seen.len(), 4);
    assert!(seen.iter().all(|(_, role)| *role == Role::Faculty));
    assert!(
        seen.windows(2).all(|w| w[0].0 < w[1].0),
        "ordered by id: {seen:?}"
    );

    let found: Page<User> = json(app.get("/users?q=EMPLOYEE", &token).await, StatusCode::OK).await;
    assert_eq!(found.items.len(), 1);
    let wildcard: Page<User> = json(app.get("/users?q=%25", &token).await, StatusCode::OK).await;
    assert!(
        wildcard.items.is_empty(),
        "a % is searched for, not a wildcard"
    );

    let problem = assert_problem(
        app.get("/users?limit=101", &token).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert!(problem["errors"]["limit"].is_array());
    let problem = assert_problem(
        app.get("/users?cursor=bogus", &token).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert!(problem["errors"]["cursor"].is_array());
}

#[tokio::test]
async fn deactivating_an_account_ends_its_sessions() {
    let app = TestApp::spawn().await;
    let admin = app.create_user(Role::SuperAdmin, None).await;
    let branch = app.create_branch("HQ", "UTC").await;
    let user = app.create_user(Role::Faculty, Some(branch)).await;
    let admin_token = app.login(&admin).await;
    let session: Value = json(
        app.client
            .post(app.api("/auth/login"))
            .json(&json!({"email": user.email, "password": PASSWORD, "refresh_token_delivery": "body"}))
            .send()
            .await
            .unwrap(),
        StatusCode::OK,
    )
    .await;

    let updated: Value = json(
        app.patch(
            &format!("/users/{}", user.id),
            &admin_token,
            &json!({"active": false, "name": "Former Staff"}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(updated["active"], false);
    assert_eq!(updated["name"], "Former Staff");

    let refresh = app
        .client
        .post(app.api("/auth/refresh"))
        .json(&json!({"refresh_token": session["refresh_token"]}))
        .send()
        .await
        .unwrap();
    assert_problem(refresh, StatusCode::UNAUTHORIZED).await;
}

#[tokio::test]
async fn a_password_change_lets_the_new_password_in_and_keeps_the_old_out() {
    let app = TestApp::spawn().await;
    let admin = app.create_user(Role::SuperAdmin, None).await;
    let other = app.create_user(Role::SuperAdmin, None).await;
    let token = app.login(&admin).await;

    let response = app
        .patch(
            &format!("/users/{}", other.id),
            &token,
            &json!({"password": "a brand new passphrase"}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);

    assert_eq!(
        app.login_response(&other.email, PASSWORD).await.status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.login_response(&other.email, "a brand new passphrase")
            .await
            .status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn admins_cannot_lock_themselves_out() {
    let app = TestApp::spawn().await;
    let admin = app.create_user(Role::SuperAdmin, None).await;
    let token = app.login(&admin).await;
    let path = format!("/users/{}", admin.id);

    for patch in [
        json!({"active": false}),
        json!({"role": "faculty", "branch_id": 1}),
    ] {
        let problem = assert_problem(
            app.patch(&path, &token, &patch).await,
            StatusCode::FORBIDDEN,
        )
        .await;
        assert!(
            problem["detail"].as_str().unwrap().contains("your own"),
            "{patch}: {problem}"
        );
    }
    assert_problem(app.delete(&path, &token).await, StatusCode::FORBIDDEN).await;
}

#[tokio::test]
async fn deleting_an_account_removes_it() {
    let app = TestApp::spawn().await;
    let admin = app.create_user(Role::SuperAdmin, None).await;
    let branch = app.create_branch("HQ", "UTC").await;
    let user = app.create_user(Role::Employee, Some(branch)).await;
    let token = app.login(&admin).await;

    assert_eq!(
        app.delete(&format!("/users/{}", user.id), &token)
            .await
            .status(),
        StatusCode::NO_CONTENT
    );

    assert_problem(
        app.get(&format!("/users/{}", user.id), &token).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    assert_eq!(
        app.login_response(&user.email, PASSWORD).await.status(),
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn promoting_to_super_admin_takes_the_account_out_of_its_branch() {
    let app = TestApp::spawn().await;
    let admin = app.create_user(Role::SuperAdmin, None).await;
    let branch = app.create_branch("HQ", "UTC").await;
    let user = app.create_user(Role::BranchAdmin, Some(branch)).await;
    let token = app.login(&admin).await;

    let updated: Value = json(
        app.patch(
            &format!("/users/{}", user.id),
            &token,
            &json!({"role": "super_admin"}),
        )
        .await,
        StatusCode::OK,
    )
    .await;

    assert_eq!(updated["role"], "super_admin");
    assert_eq!(updated["branch_id"], Value::Null);
}

#[tokio::test]
async fn a_teacher_leaves_their_branch_once_their_batches_have_another_teacher() {
    let app = TestApp::spawn().await;
    let director = app.create_user(Role::SuperAdmin, None).await;
    let director = app.login(&director).await;
    let pune = app.create_branch("PUNE", "UTC").await;
    let mumbai = app.create_branch("MUMBAI", "UTC").await;
    let teacher = app.create_user(Role::Faculty, Some(pune)).await;
    let colleague = app.create_user(Role::Faculty, Some(pune)).await;
    let pune_admin = app.create_user(Role::BranchAdmin, Some(pune)).await;
    let pune_admin = app.login(&pune_admin).await;
    let today = chrono::Utc::now().date_naive();
    let batch: Value = json(
        app.post(
            "/batches",
            &pune_admin,
            &json!({"code": "MOVE-1", "name": "Moving", "faculty_id": teacher.id,
                    "start_date": today + chrono::Days::new(7), "end_date": today + chrono::Days::new(30),
                    "weekdays": ["mon", "wed"], "start_time": "09:00", "end_time": "10:00"}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;

    // Their classes to come would stay theirs, out of Pune's sight.
    for body in [
        json!({"branch_id": mumbai}),
        json!({"role": "branch_admin"}),
    ] {
        assert_problem(
            app.patch(&format!("/users/{}", teacher.id), &director, &body)
                .await,
            StatusCode::CONFLICT,
        )
        .await;
    }
    json::<Value>(
        app.patch(
            &format!("/batches/{}", batch["id"]),
            &pune_admin,
            &json!({"faculty_id": colleague.id}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let moved: Value = json(
        app.patch(
            &format!("/users/{}", teacher.id),
            &director,
            &json!({"branch_id": mumbai}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(moved["branch_id"], mumbai);

    // Both branches' admins read that the teacher moved.
    let mumbai_admin = app.create_user(Role::BranchAdmin, Some(mumbai)).await;
    let mumbai_admin = app.login(&mumbai_admin).await;
    for token in [&pune_admin, &mumbai_admin] {
        let log = app.audit_of(token, "user", teacher.id).await;
        assert!(
            log.iter()
                .any(|entry| entry["details"]["branch_id"]["to"] == mumbai),
            "{log:?}"
        );
    }
}

/// An institute keeps a super admin to manage its branches and admins.
/// Nobody removes themselves, so only two super admins removing each other
/// at the same moment could leave none: one of them stays, and the other
/// request is refused (409), or finds its caller gone (401).
#[tokio::test]
async fn the_last_super_admin_stays() {
    use lectern_server::entities::user;
    use sea_orm::{ColumnTrait as _, EntityTrait as _, PaginatorTrait as _, QueryFilter as _};

    let app = TestApp::spawn().await;
    let active_super_admins = || {
        user::Entity::find()
            .filter(user::Column::Role.eq(Role::SuperAdmin))
            .filter(user::Column::Active.eq(true))
            .count(&app.db)
    };
    for round in 0..4 {
        let first = app.create_user(Role::SuperAdmin, None).await;
        let second = app.create_user(Role::SuperAdmin, None).await;
        let (first_token, second_token) = (app.login(&first).await, app.login(&second).await);
        // The pair are the only super admins left.
        user::Entity::update_many()
            .col_expr(user::Column::Active, sea_orm::sea_query::Expr::value(false))
            .filter(user::Column::Role.eq(Role::SuperAdmin))
            .filter(user::Column::Id.is_not_in([first.id, second.id]))
            .exec(&app.db)
            .await
            .unwrap();

        let off = json!({"active": false});
        let (first_path, second_path) = (
            format!("/users/{}", first.id),
            format!("/users/{}", second.id),
        );
        let (one, other) = tokio::join!(
            app.patch(&second_path, &first_token, &off),
            app.patch(&first_path, &second_token, &off),
        );
        let statuses = [one.status(), other.status()];
        let refused = [StatusCode::CONFLICT, StatusCode::UNAUTHORIZED];
        assert!(
            statuses.contains(&StatusCode::OK)
                && statuses.iter().any(|status| refused.contains(status)),
            "round {round}: {statuses:?}"
        );
        assert_eq!(active_super_admins().await.unwrap(), 1, "round {round}");
    }
}
