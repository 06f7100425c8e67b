//! The SMTP password's buffer path allocates nothing. A file of its own, run without the
//! libtest harness (`harness = false`): the counting allocator is global to the binary, and
//! the harness's own threads allocate at moments of their choosing (a busy machine showed 4
//! stray allocations), so here one thread runs and nothing else allocates while it measures.
#![allow(clippy::unwrap_used, missing_docs, reason = "tests fail by panicking")]

use std::alloc::System;

use ses_broker::{smtp, values::Region, values::SecretAccessKey};
use stats_alloc::{INSTRUMENTED_SYSTEM, Region as AllocRegion, StatsAlloc};

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

fn password_into_makes_no_heap_allocation() {
    let short = SecretAccessKey::parse("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY").unwrap();
    // Past the HMAC block, so the key-hashing branch is measured too.
    let long = SecretAccessKey::parse(&"k".repeat(128)).unwrap();
    let region = Region::parse("us-gov-west-1").unwrap();
    let mut buf = [0_u8; 44];

    let measured = AllocRegion::new(GLOBAL);
    for _ in 0..100 {
        std::hint::black_box(smtp::password_into(&short, &region, &mut buf));
        std::hint::black_box(smtp::password_into(&long, &region, &mut buf));
    }
    let change = measured.change();

    assert_eq!(
        (change.allocations, change.reallocations),
        (0, 0),
        "{change:?}"
    );
    // The counter is live: the everyday path's caller-side allocation shows up.
    let control = AllocRegion::new(GLOBAL);
    let text = smtp::password(&short, &region).expose_secret().to_owned();
    assert!(control.change().allocations >= 1);
    assert_eq!(
        text.as_str(),
        smtp::password_into(&short, &region, &mut buf)
    );
}

fn main() {
    password_into_makes_no_heap_allocation();
    // The plain closing line test runners are read for.
    println!("smtp_alloc: 1 passed, 0 failed");
}
