//! Column and table shapes shared by the migrations.
//!
//! Instants are stored in UTC: `timestamptz` on PostgreSQL and `DATETIME` on
//! MySQL, whose `TIMESTAMP` ends in 2038 and shifts with the session's time
//! zone. Tables on MySQL are InnoDB in utf8mb4 so names in any script fit and
//! foreign keys hold whatever the server's defaults are.

use sea_orm_migration::{prelude::*, schema, sea_orm::DbBackend};

pub(crate) fn id<T: IntoIden>(name: T) -> ColumnDef {
    schema::big_pk_auto(name)
}

pub(crate) fn instant<T: IntoIden>(backend: DbBackend, name: T) -> ColumnDef {
    match backend {
        DbBackend::MySql => schema::date_time(name),
        _ => schema::timestamp_with_time_zone(name),
    }
}

pub(crate) fn instant_null<T: IntoIden>(backend: DbBackend, name: T) -> ColumnDef {
    instant(backend, name).null().take()
}

#[derive(DeriveIden)]
enum Timestamps {
    CreatedAt,
    UpdatedAt,
}

/// `CREATE TABLE` with the `created_at`/`updated_at` pair every table has.
pub(crate) fn table<T: IntoIden + 'static>(backend: DbBackend, name: T) -> TableCreateStatement {
    let mut table = Table::create();
    table
        .table(name)
        .col(instant(backend, Timestamps::CreatedAt))
        .col(instant(backend, Timestamps::UpdatedAt));
    if backend == DbBackend::MySql {
        table
            .engine("InnoDB")
            .character_set("utf8mb4")
            .collate("utf8mb4_unicode_ci");
    }
    table
}

/// A foreign key that refuses to delete what is still referenced.
///
/// `NO ACTION` rather than `RESTRICT`: the same refusal on PostgreSQL and
/// MySQL, and on SQLite the one reported as a foreign key violation (787)
/// instead of a trigger failure.
pub(crate) fn reference<T, C, R>(
    from_table: T,
    from_col: C,
    to_table: R,
) -> ForeignKeyCreateStatement
where
    T: IntoIden + 'static,
    C: IntoIden + 'static,
    R: IntoIden + 'static,
{
    ForeignKey::create()
        .from(from_table, from_col)
        .to(to_table, Alias::new("id"))
        .on_delete(ForeignKeyAction::NoAction)
        .on_update(ForeignKeyAction::NoAction)
        .take()
}

/// A foreign key whose rows go with what they belong to.
pub(crate) fn cascade<T, C, R>(from_table: T, from_col: C, to_table: R) -> ForeignKeyCreateStatement
where
    T: IntoIden + 'static,
    C: IntoIden + 'static,
    R: IntoIden + 'static,
{
    ForeignKey::create()
        .from(from_table, from_col)
        .to(to_table, Alias::new("id"))
        .on_delete(ForeignKeyAction::Cascade)
        .on_update(ForeignKeyAction::NoAction)
        .take()
}

pub(crate) fn index<T: IntoIden + 'static>(name: &str, table: T) -> IndexCreateStatement {
    Index::create().name(name).table(table).take()
}

pub(crate) async fn drop_tables(
    manager: &SchemaManager<'_>,
    tables: impl IntoIterator<Item = DynIden>,
) -> Result<(), DbErr> {
    for table in tables {
        manager
            .drop_table(Table::drop().table(table).to_owned())
            .await?;
    }
    Ok(())
}
