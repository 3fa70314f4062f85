//! The vocabulary of schedules and sessions: weekdays, session states and note types.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A day of the week, as batches name the days they meet.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Weekday {
    Mon,
    Tue,
    Wed,
    Thu,
    Fri,
    Sat,
    Sun,
}

impl Weekday {
    /// Monday first, as timetables are printed.
    pub const ALL: [Weekday; 7] = [
        Weekday::Mon,
        Weekday::Tue,
        Weekday::Wed,
        Weekday::Thu,
        Weekday::Fri,
        Weekday::Sat,
        Weekday::Sun,
    ];

    fn bit(self) -> i16 {
        1 << (self as u8)
    }

    pub fn short_name(self) -> &'static str {
        match self {
            Weekday::Mon => "Mon",
            Weekday::Tue => "Tue",
            Weekday::Wed => "Wed",
            Weekday::Thu => "Thu",
            Weekday::Fri => "Fri",
            Weekday::Sat => "Sat",
            Weekday::Sun => "Sun",
        }
    }
}

impl From<chrono::Weekday> for Weekday {
    fn from(day: chrono::Weekday) -> Self {
        Weekday::ALL[day.num_days_from_monday() as usize]
    }
}

/// The set of weekdays a batch meets on.
///
/// Stored as a bit set (Monday = bit 0); on the wire it is a list of day
/// names in week order, such as `["mon", "wed", "fri"]`.
#[derive(Clone, Copy, Default, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "sea-orm", derive(sea_orm::DeriveValueType))]
pub struct Weekdays(i16);

impl Weekdays {
    pub const EMPTY: Weekdays = Weekdays(0);

    pub fn contains(self, day: Weekday) -> bool {
        self.0 & day.bit() != 0
    }

    #[must_use]
    pub fn with(self, day: Weekday) -> Self {
        Weekdays(self.0 | day.bit())
    }

    #[must_use]
    pub fn without(self, day: Weekday) -> Self {
        Weekdays(self.0 & !day.bit())
    }

    pub fn is_empty(self) -> bool {
        self.iter().next().is_none()
    }

    /// The days in week order, Monday first.
    pub fn iter(self) -> impl Iterator<Item = Weekday> {
        Weekday::ALL
            .into_iter()
            .filter(move |day| self.contains(*day))
    }
}

impl FromIterator<Weekday> for Weekdays {
    fn from_iter<I: IntoIterator<Item = Weekday>>(days: I) -> Self {
        days.into_iter().fold(Weekdays::EMPTY, Weekdays::with)
    }
}

impl fmt::Debug for Weekdays {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.iter()).finish()
    }
}

impl fmt::Display for Weekdays {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.iter().map(Weekday::short_name).collect();
        f.write_str(&names.join(", "))
    }
}

impl Serialize for Weekdays {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.iter())
    }
}

impl<'de> Deserialize<'de> for Weekdays {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Vec::<Weekday>::deserialize(deserializer).map(Weekdays::from_iter)
    }
}

#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for Weekdays {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::schema::ArrayBuilder::new()
            .items(<Weekday as utoipa::PartialSchema>::schema())
            .unique_items(true)
            .min_items(Some(1))
            .examples([serde_json::json!(["mon", "wed", "fri"])])
            .into()
    }
}

#[cfg(feature = "openapi")]
impl utoipa::ToSchema for Weekdays {
    fn schemas(
        schemas: &mut Vec<(
            String,
            utoipa::openapi::RefOr<utoipa::openapi::schema::Schema>,
        )>,
    ) {
        schemas.push((
            "Weekday".into(),
            <Weekday as utoipa::PartialSchema>::schema(),
        ));
    }
}

/// Where a session stands. `pending → completed | cancelled`; the review of
/// a completed session ([`Review`]) is kept beside the status, not as a new one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(
    feature = "sea-orm",
    derive(sea_orm::EnumIter, sea_orm::DeriveActiveEnum)
)]
#[cfg_attr(
    feature = "sea-orm",
    sea_orm(
        rs_type = "String",
        db_type = "String(sea_orm::sea_query::StringLen::N(16))"
    )
)]
pub enum CompletionStatus {
    #[cfg_attr(feature = "sea-orm", sea_orm(string_value = "pending"))]
    Pending,
    #[cfg_attr(feature = "sea-orm", sea_orm(string_value = "completed"))]
    Completed,
    #[cfg_attr(feature = "sea-orm", sea_orm(string_value = "cancelled"))]
    Cancelled,
}

impl CompletionStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            CompletionStatus::Pending => "pending",
            CompletionStatus::Completed => "completed",
            CompletionStatus::Cancelled => "cancelled",
        }
    }
}

impl fmt::Display for CompletionStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a session began more than [`crate::sessions::ON_TIME_MINUTES`]
/// minutes late, as its teacher gives it on completing it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(
    feature = "sea-orm",
    derive(sea_orm::EnumIter, sea_orm::DeriveActiveEnum)
)]
#[cfg_attr(
    feature = "sea-orm",
    sea_orm(
        rs_type = "String",
        db_type = "String(sea_orm::sea_query::StringLen::N(32))"
    )
)]
pub enum LateReason {
    #[cfg_attr(feature = "sea-orm", sea_orm(string_value = "traffic"))]
    Traffic,
    #[cfg_attr(feature = "sea-orm", sea_orm(string_value = "previous_class_overran"))]
    PreviousClassOverran,
    #[cfg_attr(feature = "sea-orm", sea_orm(string_value = "technical"))]
    Technical,
    #[cfg_attr(feature = "sea-orm", sea_orm(string_value = "illness"))]
    Illness,
    #[cfg_attr(feature = "sea-orm", sea_orm(string_value = "other"))]
    Other,
}

impl LateReason {
    pub const ALL: [LateReason; 5] = [
        LateReason::Traffic,
        LateReason::PreviousClassOverran,
        LateReason::Technical,
        LateReason::Illness,
        LateReason::Other,
    ];

    /// The name the API uses.
    pub fn as_str(self) -> &'static str {
        match self {
            LateReason::Traffic => "traffic",
            LateReason::PreviousClassOverran => "previous_class_overran",
            LateReason::Technical => "technical",
            LateReason::Illness => "illness",
            LateReason::Other => "other",
        }
    }

    /// The reason in words, for pages and reports.
    pub fn label(self) -> &'static str {
        match self {
            LateReason::Traffic => "Traffic",
            LateReason::PreviousClassOverran => "The previous class overran",
            LateReason::Technical => "Technical trouble",
            LateReason::Illness => "Illness",
            LateReason::Other => "Another reason",
        }
    }
}

/// Where a completed session's record stands in review. Only completed
/// sessions have one: `unreviewed` once recorded, `verified` by an admin
/// who checked the code (the record is then locked), or `returned` to its
/// owner for correction.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(
    feature = "sea-orm",
    derive(sea_orm::EnumIter, sea_orm::DeriveActiveEnum)
)]
#[cfg_attr(
    feature = "sea-orm",
    sea_orm(
        rs_type = "String",
        db_type = "String(sea_orm::sea_query::StringLen::N(16))"
    )
)]
pub enum Review {
    #[cfg_attr(feature = "sea-orm", sea_orm(string_value = "unreviewed"))]
    Unreviewed,
    #[cfg_attr(feature = "sea-orm", sea_orm(string_value = "verified"))]
    Verified,
    #[cfg_attr(feature = "sea-orm", sea_orm(string_value = "returned"))]
    Returned,
}

impl Review {
    pub const ALL: [Review; 3] = [Review::Unreviewed, Review::Verified, Review::Returned];

    pub fn as_str(self) -> &'static str {
        match self {
            Review::Unreviewed => "unreviewed",
            Review::Verified => "verified",
            Review::Returned => "returned",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Review::Unreviewed => "Awaiting review",
            Review::Verified => "Verified",
            Review::Returned => "Returned",
        }
    }
}

impl fmt::Display for Review {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What kind of remark a session note is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(
    feature = "sea-orm",
    derive(sea_orm::EnumIter, sea_orm::DeriveActiveEnum)
)]
#[cfg_attr(
    feature = "sea-orm",
    sea_orm(
        rs_type = "String",
        db_type = "String(sea_orm::sea_query::StringLen::N(16))"
    )
)]
pub enum NoteType {
    #[default]
    #[cfg_attr(feature = "sea-orm", sea_orm(string_value = "general"))]
    General,
    #[cfg_attr(feature = "sea-orm", sea_orm(string_value = "follow_up"))]
    FollowUp,
    #[cfg_attr(feature = "sea-orm", sea_orm(string_value = "issue"))]
    Issue,
    #[cfg_attr(feature = "sea-orm", sea_orm(string_value = "achievement"))]
    Achievement,
}

impl NoteType {
    pub const ALL: [NoteType; 4] = [
        NoteType::General,
        NoteType::FollowUp,
        NoteType::Issue,
        NoteType::Achievement,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            NoteType::General => "general",
            NoteType::FollowUp => "follow_up",
            NoteType::Issue => "issue",
            NoteType::Achievement => "achievement",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            NoteType::General => "General",
            NoteType::FollowUp => "Follow-up",
            NoteType::Issue => "Issue",
            NoteType::Achievement => "Achievement",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weekdays_serialize_in_week_order_whatever_the_input_order() {
        let days: Weekdays = serde_json::from_str(r#"["fri","mon","wed","mon"]"#).unwrap();
        assert_eq!(
            serde_json::to_string(&days).unwrap(),
            r#"["mon","wed","fri"]"#
        );
        assert!(days.contains(Weekday::Wed));
        assert!(!days.contains(Weekday::Tue));
    }

    #[test]
    fn unknown_day_names_are_refused() {
        assert!(serde_json::from_str::<Weekdays>(r#"["monday"]"#).is_err());
    }

    #[test]
    fn chrono_weekdays_map_to_ours() {
        assert_eq!(Weekday::from(chrono::Weekday::Mon), Weekday::Mon);
        assert_eq!(Weekday::from(chrono::Weekday::Sun), Weekday::Sun);
    }

    #[test]
    fn an_empty_set_is_empty() {
        assert!(Weekdays::EMPTY.is_empty());
        assert!(!Weekdays::EMPTY.with(Weekday::Sat).is_empty());
        assert!(
            Weekdays::EMPTY
                .with(Weekday::Sat)
                .without(Weekday::Sat)
                .is_empty()
        );
    }
}
