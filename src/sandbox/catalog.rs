//! Security-role modules and functions, as the ConnectWise web UI names them.
//!
//! Every new security role gets one setting per function in [`FUNCTIONS`]. The list contains the
//! functions that public vendor guides and the API's `MySecurityCustomizeItem` enum name (80 of
//! them). ConnectWise's own matrix has more, so a real site shows settings that the sandbox
//! lacks.
//!
//! Module identifiers follow the `CustomReport.module` enum of the 2025.8 schema (`ServiceDesk`,
//! `TimeExpense`); System has no value there, so the sandbox uses `System`. Function identifiers
//! are the UI name with everything but letters and digits removed (`Service Tickets` becomes
//! `ServiceTickets`).
// NOTE: no public source shows real `moduleFunctionIdentifier` values, so the compact
// function identifiers are a sandbox convention, not observed data.

/// A module of the security-role matrix.
#[derive(Debug)]
pub struct Module {
    /// Name shown in the web UI, also returned as `moduleName` and `moduleDescription`.
    pub name: &'static str,
    /// Compact name returned as `moduleIdentifier`.
    pub identifier: &'static str,
    /// Other spellings that guides use for the module.
    pub aliases: &'static [&'static str],
}

/// A function ("action") of a module; each gets add, edit, delete and inquire levels.
#[derive(Debug)]
pub struct Function {
    /// Index into [`MODULES`].
    pub module: usize,
    /// Name shown in the web UI, also returned as `moduleFunctionName` and
    /// `moduleFunctionDescription`.
    pub name: &'static str,
    /// Other spellings that guides use for the function.
    pub aliases: &'static [&'static str],
    /// Whether the UI offers a "Customize" link for the function.
    pub customizable: bool,
}

impl Function {
    /// Returns the module the function belongs to.
    pub fn module(&self) -> &'static Module {
        &MODULES[self.module]
    }

    /// Returns the compact identifier, e.g. `ServiceTickets` for `Service Tickets`.
    pub fn identifier(&self) -> String {
        self.name
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .collect()
    }

    /// Whether the function is a module's report access.
    pub fn is_report(&self) -> bool {
        self.name.ends_with("Reports")
    }
}

const COMPANIES: usize = 0;
const FINANCE: usize = 1;
const MARKETING: usize = 2;
const PROCUREMENT: usize = 3;
const PROJECT: usize = 4;
const SALES: usize = 5;
const SERVICE_DESK: usize = 6;
const SYSTEM: usize = 7;
const TIME_EXPENSE: usize = 8;

/// Modules in the order the web UI lists them.
pub const MODULES: &[Module] = &[
    Module {
        name: "Companies",
        identifier: "Companies",
        aliases: &["Company", "Companies Module"],
    },
    Module {
        name: "Finance",
        identifier: "Finance",
        aliases: &[],
    },
    Module {
        name: "Marketing",
        identifier: "Marketing",
        aliases: &[],
    },
    Module {
        name: "Procurement",
        identifier: "Procurement",
        aliases: &[],
    },
    Module {
        name: "Project",
        identifier: "Project",
        aliases: &["Projects"],
    },
    Module {
        name: "Sales",
        identifier: "Sales",
        aliases: &[],
    },
    Module {
        name: "Service Desk",
        identifier: "ServiceDesk",
        aliases: &[],
    },
    Module {
        name: "System",
        identifier: "System",
        aliases: &[],
    },
    Module {
        name: "Time & Expense",
        identifier: "TimeExpense",
        aliases: &["Time & Expenses", "Time and Expense"],
    },
];

const fn function(module: usize, name: &'static str) -> Function {
    Function {
        module,
        name,
        aliases: &[],
        customizable: false,
    }
}

const fn customizable(module: usize, name: &'static str) -> Function {
    Function {
        module,
        name,
        aliases: &[],
        customizable: true,
    }
}

const fn aliased(module: usize, name: &'static str, aliases: &'static [&'static str]) -> Function {
    Function {
        module,
        name,
        aliases,
        customizable: false,
    }
}

/// Functions grouped by module; the position in this table is the setting's `sortOrder`.
pub const FUNCTIONS: &[Function] = &[
    function(COMPANIES, "Company Maintenance"),
    function(COMPANIES, "Company/Contact Group Maintenance"),
    aliased(
        COMPANIES,
        "Configuration - Display Passwords",
        &["Configuration – Display Passwords"],
    ),
    customizable(COMPANIES, "Configurations"),
    function(COMPANIES, "Contacts"),
    function(COMPANIES, "CRM/Sales Activities"),
    function(COMPANIES, "Import Contacts"),
    function(COMPANIES, "Manage Attachments"),
    function(COMPANIES, "Management"),
    function(COMPANIES, "Notes"),
    customizable(COMPANIES, "Reports"),
    function(COMPANIES, "Surveys"),
    aliased(COMPANIES, "Team Members", &["Teams Members"]),
    function(COMPANIES, "Tracks"),
    aliased(COMPANIES, "UserCentric", &["User Scenarios"]),
    function(FINANCE, "Accounting Interface"),
    function(FINANCE, "Agreement Invoicing"),
    function(FINANCE, "Agreement Sales"),
    customizable(FINANCE, "Agreements"),
    function(FINANCE, "Billing Rate Maintenance"),
    function(FINANCE, "Billing Reconciliation"),
    function(FINANCE, "Billing View Time"),
    function(FINANCE, "Company Finance"),
    aliased(
        FINANCE,
        "Expense Reimbursements",
        &["Expense Reimbursement"],
    ),
    function(FINANCE, "Financial Dashboard"),
    function(FINANCE, "Invoice Approval"),
    function(FINANCE, "Invoicing"),
    customizable(FINANCE, "Reports"),
    function(MARKETING, "ConnectWise Campaign"),
    function(MARKETING, "Marketing Groups"),
    function(MARKETING, "Marketing Management"),
    customizable(MARKETING, "Marketing Reports"),
    function(PROCUREMENT, "Inventory Adjustments"),
    function(PROCUREMENT, "Inventory Transfers"),
    function(PROCUREMENT, "Product Catalog"),
    aliased(PROCUREMENT, "Products", &["Product"]),
    function(PROCUREMENT, "Product Billable Option"),
    function(PROCUREMENT, "Purchase Orders"),
    customizable(PROCUREMENT, "Reports"),
    function(PROJECT, "Close Project Tickets"),
    function(PROJECT, "Close Project"),
    function(PROJECT, "Project Contacts"),
    function(PROJECT, "Project Headers"),
    function(PROJECT, "Project Management"),
    function(PROJECT, "Project Notes"),
    function(PROJECT, "Project Phase"),
    aliased(
        PROJECT,
        "Project Ticket - Dependencies",
        &[
            "Project Ticket- Dependencies",
            "Project Ticket - Dependancies",
        ],
    ),
    function(PROJECT, "Project Ticket Tasks"),
    aliased(PROJECT, "Project Tickets", &["Project Ticket"]),
    customizable(PROJECT, "Project Scheduling"),
    customizable(PROJECT, "Reports"),
    function(SALES, "Closed Opportunity"),
    function(SALES, "Opportunity"),
    function(SALES, "Sales Orders"),
    function(SALES, "Sales Orders Finance"),
    customizable(SALES, "Reports"),
    function(SERVICE_DESK, "Change Approvals"),
    aliased(
        SERVICE_DESK,
        "Close Service Tickets",
        &["Close Service Ticket", "Closed Service Tickets"],
    ),
    function(SERVICE_DESK, "Merge Tickets"),
    customizable(SERVICE_DESK, "Reports"),
    customizable(SERVICE_DESK, "Resource Scheduling"),
    aliased(
        SERVICE_DESK,
        "Service Ticket - Dependencies",
        &[
            "Service Ticket– Dependencies",
            "Service Ticket- Dependencies",
            "Service Ticket Dependencies",
        ],
    ),
    aliased(SERVICE_DESK, "Service Tickets", &["Service Ticket"]),
    aliased(
        SERVICE_DESK,
        "Service Tickets - Finance",
        &["Service Tickets – Finance"],
    ),
    function(SERVICE_DESK, "SLA Dashboard"),
    function(SERVICE_DESK, "Ticket Templates"),
    function(SYSTEM, "API Reports"),
    function(SYSTEM, "Member Maintenance"),
    function(SYSTEM, "My Company"),
    Function {
        module: SYSTEM,
        name: "Table Setup",
        aliases: &["Setup Tables"],
        customizable: true,
    },
    customizable(SYSTEM, "My Account"),
    function(SYSTEM, "Security"),
    customizable(SYSTEM, "Manage Hosted API"),
    customizable(SYSTEM, "Custom Menu Entry"),
    customizable(SYSTEM, "Mass Maintenance"),
    customizable(SYSTEM, "Reports"),
    function(TIME_EXPENSE, "Time Entry"),
    function(TIME_EXPENSE, "Time Entry Billable Option"),
    function(TIME_EXPENSE, "Expense Report Entry"),
    customizable(TIME_EXPENSE, "Reports"),
];

/// Finds a module by UI name, alias or identifier, ignoring case.
pub fn find_module(name: &str) -> Option<usize> {
    let target = name.trim();
    MODULES.iter().position(|module| {
        module.name.eq_ignore_ascii_case(target)
            || module.identifier.eq_ignore_ascii_case(target)
            || module
                .aliases
                .iter()
                .any(|alias| alias.eq_ignore_ascii_case(target))
    })
}

/// Finds a function of `module` by UI name, alias or identifier, ignoring case.
pub fn find_function(module: usize, name: &str) -> Option<usize> {
    let target = name.trim();
    FUNCTIONS.iter().position(|function| {
        function.module == module
            && (function.name.eq_ignore_ascii_case(target)
                || function.identifier().eq_ignore_ascii_case(target)
                || function
                    .aliases
                    .iter()
                    .any(|alias| alias.eq_ignore_ascii_case(target)))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalog_has_every_function() {
        assert_eq!(FUNCTIONS.len(), 80, "function count");
        assert!(
            FUNCTIONS.iter().all(|f| f.module < MODULES.len()),
            "module index in range"
        );
    }

    #[test]
    fn identifiers_are_unique_per_module() {
        for (index, function) in FUNCTIONS.iter().enumerate() {
            let found = find_function(function.module, &function.identifier());
            assert_eq!(found, Some(index), "identifier of {}", function.name);
        }
    }

    #[test]
    fn lookup_accepts_aliases_and_case() {
        let module = find_module("service desk");
        assert_eq!(module, Some(SERVICE_DESK), "module by lower-case name");
        assert_eq!(
            find_module("ServiceDesk"),
            Some(SERVICE_DESK),
            "module by identifier"
        );
        assert_eq!(
            find_module("Time and Expense"),
            Some(TIME_EXPENSE),
            "module by alias"
        );
        let tickets = find_function(SERVICE_DESK, "service ticket");
        assert_eq!(
            tickets.map(|i| FUNCTIONS[i].name),
            Some("Service Tickets"),
            "function alias"
        );
        assert_eq!(
            find_function(FINANCE, "Service Tickets"),
            None,
            "function of another module"
        );
    }
}
