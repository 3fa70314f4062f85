//! The life of a session as plain rules: the states it passes through, who
//! may move it on, and what a verified (locked) record still allows.
//!
//! ```text
//! pending ──complete──▶ completed/unreviewed ──verify──▶ completed/verified (locked)
//!    │                     ▲        │   ▲                        │
//!    │                     │     return │                        │
//!    │               resubmit       ▼   └────────reopen──────────┘
//!    │                     └── completed/returned
//!    └──cancel──▶ cancelled
//! ```
//!
//! [`decide`] answers, for a state, an action and how the caller stands to
//! the session, the state the session is in afterwards or why not. The
//! services turn that into one conditional update guarded by the state they
//! read, so a race is lost cleanly rather than half-applied.

use lectern_api_types::Role;
use lectern_api_types::schedule::{CompletionStatus, Review};

/// Where a session stands, review included. A review exists only once a
/// session is completed, so "a pending session that is verified" cannot be
/// said.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SessionState {
    Pending,
    Cancelled,
    Completed(Review),
}

impl SessionState {
    pub const ALL: [SessionState; 5] = [
        SessionState::Pending,
        SessionState::Cancelled,
        SessionState::Completed(Review::Unreviewed),
        SessionState::Completed(Review::Verified),
        SessionState::Completed(Review::Returned),
    ];

    /// The state the stored columns describe. A completed row without a
    /// review (written before reviews existed) awaits one.
    pub fn from_columns(status: CompletionStatus, review: Option<Review>) -> Self {
        match status {
            CompletionStatus::Pending => SessionState::Pending,
            CompletionStatus::Cancelled => SessionState::Cancelled,
            CompletionStatus::Completed => {
                SessionState::Completed(review.unwrap_or(Review::Unreviewed))
            }
        }
    }

    pub fn status(self) -> CompletionStatus {
        match self {
            SessionState::Pending => CompletionStatus::Pending,
            SessionState::Cancelled => CompletionStatus::Cancelled,
            SessionState::Completed(_) => CompletionStatus::Completed,
        }
    }

    pub fn review(self) -> Option<Review> {
        match self {
            SessionState::Completed(review) => Some(review),
            _ => None,
        }
    }

    /// A verified record is locked: its times, code, notes and files stay
    /// as verified until an admin reopens it.
    pub fn is_locked(self) -> bool {
        self == SessionState::Completed(Review::Verified)
    }

    /// The name people read in a refusal.
    pub fn name(self) -> &'static str {
        match self {
            SessionState::Pending => "pending",
            SessionState::Cancelled => "cancelled",
            SessionState::Completed(Review::Unreviewed) => "completed",
            SessionState::Completed(Review::Verified) => "verified",
            SessionState::Completed(Review::Returned) => "returned",
        }
    }
}

/// What someone wants to do to a session.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Action {
    Complete,
    Cancel,
    Verify,
    Return,
    Resubmit,
    Reopen,
    /// Title and scheduled times of an ad-hoc session.
    EditSchedule,
    /// Actual times and the completion code.
    EditRecord,
    /// The session's own notes field.
    EditNotes,
    AddFile,
    RemoveFile,
    /// Session notes (comments): add, edit, delete.
    Comment,
}

impl Action {
    pub const ALL: [Action; 12] = [
        Action::Complete,
        Action::Cancel,
        Action::Verify,
        Action::Return,
        Action::Resubmit,
        Action::Reopen,
        Action::EditSchedule,
        Action::EditRecord,
        Action::EditNotes,
        Action::AddFile,
        Action::RemoveFile,
        Action::Comment,
    ];

    /// For a transition, the name of the state it leads to.
    fn goal(self) -> Option<&'static str> {
        match self {
            Action::Complete => Some("completed"),
            Action::Cancel => Some("cancelled"),
            Action::Verify => Some("verified"),
            Action::Return => Some("returned"),
            Action::Resubmit | Action::Reopen => Some("completed"),
            _ => None,
        }
    }

    /// The states the action starts from, in words.
    fn rule(self) -> &'static str {
        match self {
            Action::Complete => "only pending sessions can be completed",
            Action::Cancel => "only pending sessions can be cancelled",
            Action::Verify => "only completed records awaiting review can be verified",
            Action::Return => "only completed records awaiting review can be returned",
            Action::Resubmit => "only returned records can be resubmitted",
            Action::Reopen => "only verified records can be reopened",
            Action::EditSchedule => "the schedule can change only while the session is pending",
            Action::EditRecord => {
                "actual times and the code can change only on a completed record not yet verified"
            }
            Action::EditNotes | Action::AddFile | Action::RemoveFile | Action::Comment => {
                "it is allowed in every state"
            }
        }
    }
}

/// How the caller stands to a session within their scope.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Standing {
    pub role: Role,
    /// The session is theirs to teach.
    pub owner: bool,
    /// They pressed Complete on it.
    pub recorder: bool,
}

impl Standing {
    pub fn new(role: Role, caller: i64, owner: i64, recorded_by: Option<i64>) -> Self {
        Self {
            role,
            owner: caller == owner,
            recorder: recorded_by == Some(caller),
        }
    }
}

/// Why an action is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// The caller's role may never do this to this session (403).
    RoleMayNot(&'static str),
    /// Admins do not review what they own or recorded themselves (403).
    OwnRecord,
    /// The record is verified and stays as it is until reopened (409).
    Locked,
    /// The session's state does not allow the action (409).
    NotNow { from: SessionState, action: Action },
}

impl Refusal {
    /// What to tell the person refused.
    pub fn detail(self) -> String {
        match self {
            Refusal::RoleMayNot(why) => why.to_owned(),
            Refusal::OwnRecord => "Someone other than the session's owner and whoever recorded it must review it.".into(),
            Refusal::Locked => "The record is verified and locked: its times, code, notes and files cannot change until an admin reopens it. Comments can still be added.".into(),
            Refusal::NotNow { from, action } => match action.goal() {
                Some(goal) => format!(
                    "The transition {} → {goal} is refused: {}.",
                    from.name(),
                    action.rule()
                ),
                None => format!(
                    "Not possible on a {} session: {}.",
                    from.name(),
                    action.rule()
                ),
            },
        }
    }
}

/// The state after `action`, or why it is refused. Who may act at all is
/// checked before the state, so a faculty member trying to verify hears that
/// they may not, whatever the session's state.
pub fn decide(
    state: SessionState,
    action: Action,
    standing: Standing,
) -> Result<SessionState, Refusal> {
    use Review::{Returned, Unreviewed, Verified};
    use SessionState::{Cancelled, Completed, Pending};

    let reviews = matches!(action, Action::Verify | Action::Return | Action::Reopen);
    if reviews && !standing.role.is_admin() {
        return Err(Refusal::RoleMayNot(
            "Only admins verify, return or reopen a session's record.",
        ));
    }
    if reviews && (standing.owner || standing.recorder) {
        return Err(Refusal::OwnRecord);
    }
    if action == Action::Resubmit && !standing.owner {
        return Err(Refusal::RoleMayNot(
            "Only the session's owner resubmits a returned record.",
        ));
    }

    let not_now = Err(Refusal::NotNow {
        from: state,
        action,
    });
    match (action, state) {
        (Action::Complete, Pending) => Ok(Completed(Unreviewed)),
        (Action::Cancel, Pending) => Ok(Cancelled),
        (Action::Verify, Completed(Unreviewed)) => Ok(Completed(Verified)),
        (Action::Return, Completed(Unreviewed)) => Ok(Completed(Returned)),
        (Action::Resubmit, Completed(Returned)) => Ok(Completed(Unreviewed)),
        (Action::Reopen, Completed(Verified)) => Ok(Completed(Unreviewed)),
        (Action::Comment, _) => Ok(state),
        (
            Action::EditSchedule
            | Action::EditRecord
            | Action::EditNotes
            | Action::AddFile
            | Action::RemoveFile,
            Completed(Verified),
        ) => Err(Refusal::Locked),
        (Action::EditSchedule, Pending)
        | (Action::EditRecord, Completed(Unreviewed | Returned))
        | (Action::EditNotes | Action::AddFile | Action::RemoveFile, _) => Ok(state),
        _ => not_now,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every state × action, for four kinds of caller: `S` staff (faculty or
    /// employee) on their own session, `A` an admin who neither owns nor
    /// recorded it, `O` an admin who owns it, `R` an admin who recorded it
    /// for someone else. `ok` means allowed; `403` the role may not; `sod`
    /// separation of duties; `lock` a locked record; `409` not in this state.
    const EXPECTED: &str = "
        complete     pending     ok   ok   ok   ok
        complete     cancelled   409  409  409  409
        complete     completed   409  409  409  409
        complete     verified    409  409  409  409
        complete     returned    409  409  409  409
        cancel       pending     ok   ok   ok   ok
        cancel       cancelled   409  409  409  409
        cancel       completed   409  409  409  409
        cancel       verified    409  409  409  409
        cancel       returned    409  409  409  409
        verify       pending     403  409  sod  sod
        verify       cancelled   403  409  sod  sod
        verify       completed   403  ok   sod  sod
        verify       verified    403  409  sod  sod
        verify       returned    403  409  sod  sod
        return       pending     403  409  sod  sod
        return       cancelled   403  409  sod  sod
        return       completed   403  ok   sod  sod
        return       verified    403  409  sod  sod
        return       returned    403  409  sod  sod
        resubmit     pending     409  403  409  403
        resubmit     cancelled   409  403  409  403
        resubmit     completed   409  403  409  403
        resubmit     verified    409  403  409  403
        resubmit     returned    ok   403  ok   403
        reopen       pending     403  409  sod  sod
        reopen       cancelled   403  409  sod  sod
        reopen       completed   403  409  sod  sod
        reopen       verified    403  ok   sod  sod
        reopen       returned    403  409  sod  sod
        schedule     pending     ok   ok   ok   ok
        schedule     cancelled   409  409  409  409
        schedule     completed   409  409  409  409
        schedule     verified    lock lock lock lock
        schedule     returned    409  409  409  409
        record       pending     409  409  409  409
        record       cancelled   409  409  409  409
        record       completed   ok   ok   ok   ok
        record       verified    lock lock lock lock
        record       returned    ok   ok   ok   ok
        notes        pending     ok   ok   ok   ok
        notes        cancelled   ok   ok   ok   ok
        notes        completed   ok   ok   ok   ok
        notes        verified    lock lock lock lock
        notes        returned    ok   ok   ok   ok
        add_file     pending     ok   ok   ok   ok
        add_file     cancelled   ok   ok   ok   ok
        add_file     completed   ok   ok   ok   ok
        add_file     verified    lock lock lock lock
        add_file     returned    ok   ok   ok   ok
        remove_file  pending     ok   ok   ok   ok
        remove_file  cancelled   ok   ok   ok   ok
        remove_file  completed   ok   ok   ok   ok
        remove_file  verified    lock lock lock lock
        remove_file  returned    ok   ok   ok   ok
        comment      pending     ok   ok   ok   ok
        comment      cancelled   ok   ok   ok   ok
        comment      completed   ok   ok   ok   ok
        comment      verified    ok   ok   ok   ok
        comment      returned    ok   ok   ok   ok
    ";

    fn action_named(name: &str) -> Action {
        let names = [
            "complete",
            "cancel",
            "verify",
            "return",
            "resubmit",
            "reopen",
            "schedule",
            "record",
            "notes",
            "add_file",
            "remove_file",
            "comment",
        ];
        Action::ALL[names.iter().position(|n| *n == name).expect(name)]
    }

    fn state_named(name: &str) -> SessionState {
        *SessionState::ALL
            .iter()
            .find(|state| state.name() == name)
            .expect(name)
    }

    fn outcome(result: Result<SessionState, Refusal>) -> &'static str {
        match result {
            Ok(_) => "ok",
            Err(Refusal::RoleMayNot(_)) => "403",
            Err(Refusal::OwnRecord) => "sod",
            Err(Refusal::Locked) => "lock",
            Err(Refusal::NotNow { .. }) => "409",
        }
    }

    /// Every role with every way it can stand to a session it sees, and the
    /// column of [`EXPECTED`] that holds for it.
    fn callers() -> Vec<(Standing, usize)> {
        let mut callers = Vec::new();
        for role in Role::ALL {
            for (owner, recorder) in [(true, false), (true, true), (false, true), (false, false)] {
                let column = match (role.is_admin(), owner, recorder) {
                    // Staff reach only their own sessions.
                    (false, false, _) => continue,
                    (false, true, _) => 0,
                    (true, false, false) => 1,
                    (true, true, _) => 2,
                    (true, false, true) => 3,
                };
                callers.push((
                    Standing {
                        role,
                        owner,
                        recorder,
                    },
                    column,
                ));
            }
        }
        callers
    }

    #[test]
    fn every_state_action_and_role_is_decided_as_the_table_says() {
        let mut seen = std::collections::HashSet::new();
        for line in EXPECTED.lines().filter(|line| !line.trim().is_empty()) {
            let cells: Vec<&str> = line.split_whitespace().collect();
            let [action, state, expected @ ..] = cells.as_slice() else {
                panic!("a short row: {line}");
            };
            let (action, state) = (action_named(action), state_named(state));
            assert!(seen.insert((action, state)), "{line} appears twice");
            for (standing, column) in callers() {
                assert_eq!(
                    outcome(decide(state, action, standing)),
                    expected[column],
                    "{action:?} on a {} session by {standing:?}",
                    state.name()
                );
            }
        }
        assert_eq!(
            seen.len(),
            Action::ALL.len() * SessionState::ALL.len(),
            "the table covers every state and action"
        );
    }

    #[test]
    fn transitions_lead_where_the_diagram_says() {
        let admin = Standing::new(Role::BranchAdmin, 1, 2, Some(2));
        let owner = Standing::new(Role::Faculty, 2, 2, Some(2));
        let unreviewed = SessionState::Completed(Review::Unreviewed);
        let verified = SessionState::Completed(Review::Verified);
        let returned = SessionState::Completed(Review::Returned);
        let step = |state, action, standing| decide(state, action, standing).unwrap();
        assert_eq!(
            step(SessionState::Pending, Action::Complete, owner),
            unreviewed
        );
        assert_eq!(
            step(SessionState::Pending, Action::Cancel, owner),
            SessionState::Cancelled
        );
        assert_eq!(step(unreviewed, Action::Verify, admin), verified);
        assert_eq!(step(unreviewed, Action::Return, admin), returned);
        assert_eq!(step(returned, Action::Resubmit, owner), unreviewed);
        assert_eq!(step(verified, Action::Reopen, admin), unreviewed);
        assert_eq!(step(returned, Action::EditRecord, owner), returned);
        assert_eq!(step(verified, Action::Comment, owner), verified);
    }

    #[test]
    fn states_round_trip_through_their_columns() {
        for state in SessionState::ALL {
            assert_eq!(
                SessionState::from_columns(state.status(), state.review()),
                state
            );
        }
        assert_eq!(
            SessionState::from_columns(CompletionStatus::Completed, None),
            SessionState::Completed(Review::Unreviewed),
            "rows from before reviews await one"
        );
        assert!(SessionState::Completed(Review::Verified).is_locked());
        assert!(!SessionState::Completed(Review::Returned).is_locked());
    }

    #[test]
    fn refusals_say_what_was_refused_and_why() {
        let refusal = Refusal::NotNow {
            from: SessionState::Cancelled,
            action: Action::Complete,
        };
        assert_eq!(
            refusal.detail(),
            "The transition cancelled → completed is refused: only pending sessions can be completed."
        );
        let refusal = Refusal::NotNow {
            from: SessionState::Pending,
            action: Action::EditRecord,
        };
        assert_eq!(
            refusal.detail(),
            "Not possible on a pending session: actual times and the code can change only on a completed record not yet verified."
        );
    }
}
