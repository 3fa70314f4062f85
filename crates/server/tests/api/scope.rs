//! The scope rules of users and branches, as one table: every route, each
//! role, against objects of its own branch and of another.

use lectern_api_types::Role;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{PASSWORD, TestApp, assert_problem};

struct Cell {
    method: Method,
    path: String,
    body: Option<Value>,
    /// Expected status for super admin, branch admin, faculty, employee (all of branch A).
    expect: [u16; 4],
}

#[tokio::test]
async fn every_user_and_branch_route_answers_each_role_by_scope() {
    let app = TestApp::spawn().await;
    let a = app.create_branch("BRANCH-A", "Asia/Kolkata").await;
    let b = app.create_branch("BRANCH-B", "Europe/London").await;
    let callers = [
        app.create_user(Role::SuperAdmin, None).await,
        app.create_user(Role::BranchAdmin, Some(a)).await,
        app.create_user(Role::Faculty, Some(a)).await,
        app.create_user(Role::Employee, Some(a)).await,
    ];
    let staff_a = app.create_user(Role::Faculty, Some(a)).await;
    let staff_b = app.create_user(Role::Faculty, Some(b)).await;
    let root = callers[0].id;
    let faculty_self = callers[2].id;

    let cell = |method: Method, path: String, body: Option<Value>, expect: [u16; 4]| Cell {
        method,
        path,
        body,
        expect,
    };
    let rename = || Some(json!({"name": "Renamed"}));
    let table = vec![
        cell(Method::GET, "/users".into(), None, [200, 200, 403, 403]),
        cell(
            Method::GET,
            format!("/users/{}", staff_a.id),
            None,
            [200, 200, 404, 404],
        ),
        cell(
            Method::GET,
            format!("/users/{}", staff_b.id),
            None,
            [200, 404, 404, 404],
        ),
        cell(
            Method::GET,
            format!("/users/{root}"),
            None,
            [200, 404, 404, 404],
        ),
        cell(
            Method::GET,
            format!("/users/{faculty_self}"),
            None,
            [200, 200, 200, 404],
        ),
        cell(
            Method::PATCH,
            format!("/users/{}", staff_a.id),
            rename(),
            [200, 200, 404, 404],
        ),
        cell(
            Method::PATCH,
            format!("/users/{}", staff_b.id),
            rename(),
            [200, 404, 404, 404],
        ),
        cell(
            Method::PATCH,
            format!("/users/{faculty_self}"),
            rename(),
            [200, 200, 403, 404],
        ),
        cell(
            Method::PATCH,
            format!("/users/{}", staff_a.id),
            Some(json!({"branch_id": b})),
            [200, 403, 404, 404],
        ),
        cell(
            Method::DELETE,
            format!("/users/{}", staff_b.id),
            None,
            [204, 404, 404, 404],
        ),
        cell(Method::GET, "/branches".into(), None, [200, 200, 200, 200]),
        cell(
            Method::GET,
            format!("/branches/{a}"),
            None,
            [200, 200, 200, 200],
        ),
        cell(
            Method::GET,
            format!("/branches/{b}"),
            None,
            [200, 404, 404, 404],
        ),
        cell(
            Method::PATCH,
            format!("/branches/{a}"),
            rename(),
            [200, 403, 403, 403],
        ),
        cell(
            Method::PATCH,
            format!("/branches/{b}"),
            rename(),
            [200, 404, 404, 404],
        ),
        cell(
            Method::DELETE,
            format!("/branches/{b}"),
            None,
            [409, 404, 404, 404],
        ),
        cell(
            Method::POST,
            "/branches".into(),
            Some(json!({"name": "New", "code": "NEW-{n}", "timezone": "UTC"})),
            [201, 403, 403, 403],
        ),
        cell(
            Method::POST,
            "/users".into(),
            Some(
                json!({"email": "new-{n}@lectern.test", "name": "N", "role": "faculty", "branch_id": a, "password": PASSWORD}),
            ),
            [201, 201, 403, 403],
        ),
        cell(
            Method::POST,
            "/users".into(),
            Some(
                json!({"email": "new-{n}@lectern.test", "name": "N", "role": "faculty", "branch_id": b, "password": PASSWORD}),
            ),
            [201, 403, 403, 403],
        ),
        cell(
            Method::POST,
            "/users".into(),
            Some(
                json!({"email": "new-{n}@lectern.test", "name": "N", "role": "super_admin", "password": PASSWORD}),
            ),
            [201, 403, 403, 403],
        ),
    ];

    let mut tokens = Vec::new();
    for caller in &callers {
        tokens.push(app.login(caller).await);
    }
    let mut failures = Vec::new();
    let mut n = 0;
    // Callers go from least to most powerful so a successful delete by an
    // admin cannot hide the answer a lesser role would have had.
    for role_index in (0..callers.len()).rev() {
        for cell in &table {
            n += 1;
            let mut request =
                app.request(cell.method.clone(), &cell.path, Some(&tokens[role_index]));
            if let Some(body) = &cell.body {
                // Unique values per request so creations never collide.
                let body: Value =
                    serde_json::from_str(&body.to_string().replace("{n}", &n.to_string())).unwrap();
                request = request.json(&body);
            }
            let response = request.send().await.unwrap();
            let got = response.status().as_u16();
            let want = cell.expect[role_index];
            if got != want {
                failures.push(format!(
                    "{} {} as {}: got {got}, want {want}",
                    cell.method,
                    cell.path,
                    callers[role_index].role.as_str()
                ));
            } else if got >= 400 {
                assert_problem(response, StatusCode::from_u16(got).unwrap()).await;
            }
        }
    }
    assert!(
        failures.is_empty(),
        "scope violations:\n{}",
        failures.join("\n")
    );
}
