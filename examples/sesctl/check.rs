//! `sesctl catalog` and `sesctl check provision|bind|update`.

use ses_broker::{BindParams, Catalog, ParamErrors, ProvisionParams};

use crate::{Failure, read_stdin};

/// `sesctl catalog`: the catalog JSON.
pub(crate) fn catalog(args: &[String]) -> Result<(), Failure> {
    if !args.is_empty() {
        return Err(Failure::Usage("catalog takes no arguments".to_owned()));
    }
    print_json(&Catalog::cloud_gov().to_json())
}

/// `sesctl check provision|bind < PARAMS.json` and `sesctl check update PREVIOUS.json < NEW.json`.
pub(crate) fn check(args: &[String]) -> Result<(), Failure> {
    match args {
        [kind] if kind == "provision" => {
            let params = ProvisionParams::from_json(&read_stdin()?).map_err(invalid)?;
            print_json(&params)
        }
        [kind] if kind == "bind" => {
            let params = BindParams::from_json(&read_stdin()?).map_err(invalid)?;
            print_json(&params)
        }
        [kind, previous] if kind == "update" => {
            let stored = std::fs::read_to_string(previous).map_err(|e| {
                Failure::Invalid(vec![format!("{previous}: cannot read the stored parameters: {e}")])
            })?;
            let stored = ProvisionParams::from_json(&stored).map_err(|errors| {
                Failure::Invalid(
                    errors
                        .to_string()
                        .lines()
                        .map(|line| format!("{previous}: {line}"))
                        .collect(),
                )
            })?;
            let update = stored.update(&read_stdin()?).map_err(invalid)?;
            let changed: Vec<&str> = update.changed().iter().map(|f| f.as_str()).collect();
            eprintln!(
                "changed: {}",
                if changed.is_empty() { "nothing".to_owned() } else { changed.join(", ") }
            );
            print_json(update.params())
        }
        [kind, ..] if kind == "update" => Err(Failure::Usage(
            "check update needs the stored parameters: sesctl check update PREVIOUS.json < NEW.json"
                .to_owned(),
        )),
        _ => Err(Failure::Usage(
            "check needs one of: provision, bind, update PREVIOUS.json".to_owned(),
        )),
    }
}

/// One line per listed problem, then `and N more problems` when some were left out.
fn invalid(errors: ParamErrors) -> Failure {
    Failure::Invalid(errors.to_string().lines().map(str::to_owned).collect())
}

fn print_json<T: serde::Serialize>(value: &T) -> Result<(), Failure> {
    let text = serde_json::to_string_pretty(value)
        .map_err(|e| Failure::Invalid(vec![format!("cannot print the result: {e}")]))?;
    println!("{text}");
    Ok(())
}
