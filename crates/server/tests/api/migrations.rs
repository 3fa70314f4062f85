use migration::{Migrator, MigratorTrait as _};
use sea_orm::Database;

use crate::helpers::{Backend, TestDatabase};

#[tokio::test]
async fn every_migration_runs_down_and_up_again() {
    let dir = tempfile::tempdir().unwrap();
    let database = TestDatabase::create(Backend::from_env(), dir.path()).await;
    let db = Database::connect(&database.url).await.unwrap();

    Migrator::up(&db, None).await.expect("up");
    let applied = Migrator::get_applied_migrations(&db).await.unwrap().len();
    assert_eq!(applied, Migrator::migrations().len());

    Migrator::down(&db, None).await.expect("down");
    assert!(
        Migrator::get_applied_migrations(&db)
            .await
            .unwrap()
            .is_empty()
    );

    Migrator::up(&db, None).await.expect("up again");
    assert!(
        Migrator::get_pending_migrations(&db)
            .await
            .unwrap()
            .is_empty()
    );
}
