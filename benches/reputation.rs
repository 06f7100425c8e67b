//! Assessing a million samples against cloud.gov's thresholds, beside a bare comparison
//! loop over the same samples (the floor: what hand-written `if`s would cost).
#![allow(
    clippy::unwrap_used,
    clippy::cast_precision_loss,
    reason = "bench setup"
)]

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use ses_broker::{
    reputation::Counts, reputation::Level, reputation::Rates, reputation::Thresholds,
};

const SAMPLES: usize = 1_000_000;

/// Deterministic samples near the thresholds: bounces up to ~6 %, complaints up to ~0.12 %.
fn samples() -> Vec<(u64, u64, u64)> {
    let mut state = 0x9E37_79B9_7F4A_7C15_u64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    (0..SAMPLES)
        .map(|_| {
            let sent = 1 + next() % 1_000_000;
            let bounces = next() % (sent * 6 / 100 + 1);
            let complaints = next() % (sent * 12 / 10_000 + 1);
            (sent, bounces, complaints)
        })
        .collect()
}

fn code(level: Level) -> u64 {
    match level {
        Level::Warning => 1,
        Level::Critical => 2,
        _ => 0,
    }
}

/// 0 ok, 1 warning, 2 critical for `count / sent` against `1/warning_den` and `1/critical_den`.
fn bare(count: u64, sent: u64, warning_den: u64, critical_den: u64) -> u64 {
    if count * critical_den >= sent {
        2
    } else if count * warning_den >= sent {
        1
    } else {
        0
    }
}

fn bare_rate(rate: f64, warning: f64, critical: f64) -> u64 {
    if rate >= critical {
        2
    } else if rate >= warning {
        1
    } else {
        0
    }
}

fn bench(c: &mut Criterion) {
    let raw = samples();
    let counts: Vec<Counts> = raw
        .iter()
        .map(|&(s, b, k)| Counts::new(s, b, k).unwrap())
        .collect();
    let rates: Vec<Rates> = raw
        .iter()
        .map(|&(s, b, k)| Rates::new(b as f64 / s as f64, k as f64 / s as f64).unwrap())
        .collect();
    let thresholds = Thresholds::cloud_gov();

    let mut group = c.benchmark_group("reputation_1M_counts");
    group.sample_size(20);
    group.bench_function("assess_counts", |b| {
        b.iter(|| {
            let mut sum = 0_u64;
            for sample in black_box(&counts) {
                let a = thresholds.assess_counts(*sample);
                sum += code(a.bounce().level()) * 3 + code(a.complaint().level());
                sum += u64::from(a.pause_sending());
            }
            sum
        });
    });
    group.bench_function("bare_integer_comparisons", |b| {
        b.iter(|| {
            let mut sum = 0_u64;
            for &(sent, bounces, complaints) in black_box(&raw) {
                let (x, y) = (
                    bare(bounces, sent, 50, 25),
                    bare(complaints, sent, 2500, 1250),
                );
                sum += x * 3 + y;
                sum += u64::from(x == 2 || y == 2);
            }
            sum
        });
    });
    group.finish();

    let mut group = c.benchmark_group("reputation_1M_rates");
    group.sample_size(20);
    group.bench_function("assess", |b| {
        b.iter(|| {
            let mut sum = 0_u64;
            for sample in black_box(&rates) {
                let a = thresholds.assess(*sample);
                sum += code(a.bounce().level()) * 3 + code(a.complaint().level());
                sum += u64::from(a.pause_sending());
            }
            sum
        });
    });
    group.bench_function("bare_float_comparisons", |b| {
        b.iter(|| {
            let mut sum = 0_u64;
            for sample in black_box(&rates) {
                let (x, y) = (
                    bare_rate(sample.bounce(), 0.02, 0.04),
                    bare_rate(sample.complaint(), 0.0004, 0.0008),
                );
                sum += x * 3 + y;
                sum += u64::from(x == 2 || y == 2);
            }
            sum
        });
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
