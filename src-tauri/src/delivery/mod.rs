//! Getting every confirmed enrolment to the MSA: the durable outbox, the worker that drains it,
//! the backend client it sends with, and the queue's report in `status.json`.

pub mod client;
pub mod outbox;
pub mod status;
pub mod worker;

pub use client::BackendClient;
pub use outbox::{Outbox, OutboxKey};
pub use status::StatusReport;
pub use worker::{deliver_batch, deliver_one, Attempt, DeliveryHandle, BATCH};
