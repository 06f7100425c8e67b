//! The `alloc` names most modules use, imported with one line (`use crate::prelude::*;`)
//! where `std`'s prelude would have given them: the crate is `#![no_std]`. (serde does the
//! same with its private `lib` module.)

pub(crate) use alloc::borrow::ToOwned;
pub(crate) use alloc::format;
pub(crate) use alloc::string::{String, ToString};
pub(crate) use alloc::vec;
pub(crate) use alloc::vec::Vec;
