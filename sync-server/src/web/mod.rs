//! The pages a browser opens. Until the console's module lands here (the lead's `web`), this
//! holds only the enterprise's page.

pub mod enterprise;
