//! A branch's holidays.

use lectern_api_types::Page;
use lectern_api_types::holidays::{Holiday, HolidayImport, HolidayQuery, NewHoliday};

use super::route::routes;
use super::{ApiError, Fetch};
use crate::session::Session;

routes! {
    LIST = Get "/branches/{id}/holidays";
    CREATE = Post "/branches/{id}/holidays";
    IMPORT = Post "/branches/{id}/holidays/import";
    DELETE = Delete "/branches/{id}/holidays/{holiday_id}";
}

pub fn list(branch_id: i64, query: &HolidayQuery) -> Fetch<Page<Holiday>> {
    LIST.at(&[branch_id]).query(query).get()
}

pub async fn create(
    session: Session,
    branch_id: i64,
    new: &NewHoliday,
) -> Result<Holiday, ApiError> {
    CREATE.at(&[branch_id]).send(session, new).await
}

/// Sends the text of an `.ics` file.
pub async fn import(
    session: Session,
    branch_id: i64,
    calendar: String,
) -> Result<HolidayImport, ApiError> {
    IMPORT
        .at(&[branch_id])
        .send_text(session, "text/calendar", calendar)
        .await
}

pub async fn delete(session: Session, branch_id: i64, holiday_id: i64) -> Result<(), ApiError> {
    DELETE.at(&[branch_id, holiday_id]).run(session).await
}
