//! Who may do what: the roles, and every route with the roles that may use it.
//!
//! The table is the authorisation: the gate (`gate.rs`) looks every request up in it by method
//! and route, and a route that is not in it is refused. The matrix test tries every route as
//! every role and as nobody against this table.

use axum::http::Method;

/// What a user may do. Agency roles act within the user's own agency; national roles across
/// the data call.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Role {
    /// Uploads the agency's return, fixes and explains it, makes a nil return.
    Submitter,
    /// Signs the agency's return off.
    Signatory,
    /// Adds and removes the agency's own users.
    Approver,
    /// Sets up data calls, follows them, accepts or returns returns.
    Analyst,
    /// Publishes the disclosure-controlled report.
    Publisher,
    /// Reads and verifies the audit log.
    Auditor,
    /// Manages users and roles; resets second factors.
    Admin,
}

impl Role {
    pub const ALL: [Role; 7] = [
        Role::Submitter,
        Role::Signatory,
        Role::Approver,
        Role::Analyst,
        Role::Publisher,
        Role::Auditor,
        Role::Admin,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Role::Submitter => "submitter",
            Role::Signatory => "signatory",
            Role::Approver => "approver",
            Role::Analyst => "analyst",
            Role::Publisher => "publisher",
            Role::Auditor => "auditor",
            Role::Admin => "admin",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Role::Submitter => "Submitter",
            Role::Signatory => "Signatory",
            Role::Approver => "Agency approver",
            Role::Analyst => "National analyst",
            Role::Publisher => "Publisher",
            Role::Auditor => "Auditor",
            Role::Admin => "Administrator",
        }
    }

    pub fn from_code(code: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|role| role.code() == code)
    }

    /// A role of the national team (the others belong to an agency's users).
    pub fn national(self) -> bool {
        matches!(
            self,
            Role::Analyst | Role::Publisher | Role::Auditor | Role::Admin
        )
    }
}

/// Who may reach a route.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// Anyone, signed in or not (sign-in, invitations, assets).
    Public,
    /// A browser that has given the password and not yet the second factor.
    SecondFactor,
    /// A signed-in user with any of these roles (any signed-in user when empty).
    Roles(&'static [Role]),
}

/// A route of the service.
#[derive(Clone, Debug)]
pub struct Route {
    pub method: Method,
    /// As axum writes it: `/calls/{call}`.
    pub path: &'static str,
    pub access: Access,
}

const fn route(method: Method, path: &'static str, access: Access) -> Route {
    Route {
        method,
        path,
        access,
    }
}

const ANY: Access = Access::Roles(&[]);
const ANALYST: Access = Access::Roles(&[Role::Analyst]);
const SUBMITTER: Access = Access::Roles(&[Role::Submitter]);
const AGENCY: Access = Access::Roles(&[Role::Submitter, Role::Signatory]);

/// Every route, with who may use it.
pub const ROUTES: &[Route] = &[
    route(Method::GET, "/assets/{file}", Access::Public),
    route(Method::GET, "/sign-in", Access::Public),
    route(Method::POST, "/sign-in", Access::Public),
    route(Method::GET, "/sign-in/code", Access::SecondFactor),
    route(Method::POST, "/sign-in/code", Access::SecondFactor),
    route(Method::POST, "/sign-out", Access::Public),
    route(Method::GET, "/invitation/{token}", Access::Public),
    route(Method::POST, "/invitation/{token}", Access::Public),
    route(Method::GET, "/", ANY),
    route(Method::GET, "/account", ANY),
    route(
        Method::GET,
        "/users",
        Access::Roles(&[Role::Admin, Role::Approver]),
    ),
    route(
        Method::POST,
        "/users",
        Access::Roles(&[Role::Admin, Role::Approver]),
    ),
    route(
        Method::POST,
        "/users/{user}/deactivate",
        Access::Roles(&[Role::Admin, Role::Approver]),
    ),
    route(
        Method::POST,
        "/users/{user}/reset",
        Access::Roles(&[Role::Admin, Role::Approver]),
    ),
    route(Method::GET, "/calls", ANALYST),
    route(Method::POST, "/calls", ANALYST),
    route(Method::GET, "/calls/{call}", ANALYST),
    route(Method::POST, "/calls/{call}/remind", ANALYST),
    route(Method::GET, "/calls/{call}/non-submitters.csv", ANALYST),
    route(Method::GET, "/calls/{call}/agencies/{agency}", ANALYST),
    route(
        Method::POST,
        "/calls/{call}/agencies/{agency}/accept",
        ANALYST,
    ),
    route(
        Method::POST,
        "/calls/{call}/agencies/{agency}/return",
        ANALYST,
    ),
    route(
        Method::POST,
        "/calls/{call}/agencies/{agency}/profile",
        ANALYST,
    ),
    route(Method::GET, "/returns/{call}/profile.toml", AGENCY),
    route(Method::GET, "/audit", Access::Roles(&[Role::Auditor])),
    route(
        Method::GET,
        "/analysis",
        Access::Roles(&[Role::Analyst, Role::Publisher]),
    ),
    route(Method::POST, "/analysis/link", ANALYST),
    route(Method::GET, "/analysis/preview", ANALYST),
    route(Method::POST, "/analysis/preview", ANALYST),
    route(
        Method::POST,
        "/analysis/publish",
        Access::Roles(&[Role::Publisher]),
    ),
    route(Method::GET, "/returns/{call}/feedback", AGENCY),
    route(Method::GET, "/reveal", ANALYST),
    route(Method::POST, "/reveal", ANALYST),
    route(Method::GET, "/returns", AGENCY),
    route(Method::GET, "/returns/{call}", AGENCY),
    route(Method::GET, "/returns/{call}/template.xlsx", SUBMITTER),
    route(Method::POST, "/returns/{call}/upload", SUBMITTER),
    route(
        Method::GET,
        "/returns/{call}/submissions/{submission}/problems.csv",
        AGENCY,
    ),
    route(Method::POST, "/returns/{call}/explain", SUBMITTER),
    route(Method::POST, "/returns/{call}/nil", SUBMITTER),
    route(Method::POST, "/returns/{call}/unable", SUBMITTER),
    route(
        Method::POST,
        "/returns/{call}/sign-off",
        Access::Roles(&[Role::Signatory]),
    ),
];

/// The route of a request, by method and axum's matched path.
pub fn find(method: &Method, path: &str) -> Option<&'static Route> {
    ROUTES
        .iter()
        .find(|route| route.method == *method && route.path == path)
}

/// Whether a user with `roles` may use a route that asks for `access`.
pub fn allows(access: Access, roles: &[Role]) -> bool {
    match access {
        Access::Public => true,
        Access::SecondFactor => false,
        Access::Roles(needed) => needed.is_empty() || needed.iter().any(|r| roles.contains(r)),
    }
}
