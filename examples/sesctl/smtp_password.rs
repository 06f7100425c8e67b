//! `sesctl smtp-password REGION`: the SES SMTP password for the secret access key read
//! from standard input.
//!
//! The secret comes from stdin, never from the command line, where `ps` and shell history
//! would show it. One trailing newline (`\n` or `\r\n`) is dropped, as `echo` and editors
//! add one; anything else is the secret as typed, and is checked as such.

use ses_broker::{smtp, values::Region, values::SecretAccessKey};
use zeroize::Zeroizing;

use crate::{Failure, read_stdin};

/// The secret without its trailing newline.
fn trim_newline(text: &str) -> &str {
    text.strip_suffix("\r\n")
        .or_else(|| text.strip_suffix('\n'))
        .unwrap_or(text)
}

pub(crate) fn run(args: &[String]) -> Result<(), Failure> {
    let [region] = args else {
        return Err(Failure::Usage(
            "smtp-password takes exactly one argument, the region (the secret is read from stdin)"
                .to_owned(),
        ));
    };
    let region =
        Region::parse(region).map_err(|e| Failure::Invalid(vec![format!("REGION: {e}")]))?;
    let input = Zeroizing::new(read_stdin()?);
    let secret = SecretAccessKey::parse(trim_newline(&input))
        .map_err(|e| Failure::Invalid(vec![format!("stdin: {e}")]))?;
    if let Err(e) = smtp::SmtpEndpoint::for_region(&region) {
        eprintln!("sesctl: warning: {e}; the password is derived anyway");
    }
    let mut buf = Zeroizing::new([0_u8; 44]);
    println!("{}", smtp::password_into(&secret, &region, &mut buf));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::trim_newline;

    #[test]
    fn one_trailing_newline_is_dropped() {
        assert_eq!(trim_newline("abc\n"), "abc");
        assert_eq!(trim_newline("abc\r\n"), "abc");
        assert_eq!(trim_newline("abc\n\n"), "abc\n");
        assert_eq!(trim_newline("abc"), "abc");
        assert_eq!(trim_newline("abc\r"), "abc\r");
    }
}
