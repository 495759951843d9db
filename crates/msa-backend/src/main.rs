//! `msa-backend`: the reference MSA backend (see the crate's README and `--help`).

use anyhow::{bail, Context};
use clap::{Args, Parser, Subcommand};
use msa_backend::config::{self, Argon2Cost, Config, TlsFiles};
use msa_backend::secret::Secret;
use std::io::BufRead;
use std::path::PathBuf;

/// Reference MSA backend: the « Mon espace privé » enrolment contract on demo data.
#[derive(Parser, Debug)]
#[command(name = "msa-backend", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Serve the HTTP API (POST /v1/enrolments, /health, /ready, /admin/*).
    ///
    /// Secrets come from the environment only: MSA_BACKEND_KIOSK_TOKENS
    /// (`id:token,id2:token2`, registered at start) and MSA_BACKEND_ADMIN_TOKEN (enables
    /// /admin/*).
    Serve(ServeArgs),
    /// Register a kiosk, or give it a new token: the token is read from standard input
    /// (first line); only its SHA-256 is stored.
    AddKiosk {
        /// Kiosk id, e.g. agence-44-01.
        #[arg(long)]
        id: String,
        /// The agency the kiosk stands in, for the console (see `agency add`).
        #[arg(long)]
        agency: Option<String>,
        #[command(flatten)]
        db: DbArg,
    },
    /// Agencies, the caisse each belongs to, and their names in the console.
    #[command(subcommand)]
    Agency(AgencyCommand),
    /// The console's staff accounts (argon2id password hashes).
    #[command(subcommand)]
    Staff(StaffCommand),
    /// Print the mail-out table (e-mails and letters "sent"), recipients masked.
    Mailouts {
        #[command(flatten)]
        db: DbArg,
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Print the counsellor follow-ups of permanent refusals: reference, kiosk, reason, codes,
    /// what was sent, when. No personal data unless --json (the whole rows, for a counsellor).
    Followups {
        #[command(flatten)]
        db: DbArg,
        /// Print the whole rows as JSON (NIR, names, e-mail, phone: personal data).
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand, Debug)]
enum AgencyCommand {
    /// Create an agency, or change its caisse or name.
    Add {
        /// Agency id, e.g. nantes (A-Z a-z 0-9 - _ .).
        #[arg(long)]
        id: String,
        /// The caisse it belongs to, e.g. msa-loire-atlantique-vendee: staff of that caisse see it.
        #[arg(long)]
        caisse: String,
        /// Its name in the console, e.g. "Nantes".
        #[arg(long)]
        name: String,
        #[command(flatten)]
        db: DbArg,
    },
}

#[derive(Subcommand, Debug)]
enum StaffCommand {
    /// Create a staff account, or give an existing one a new scope, role and password (which
    /// also unlocks it and ends its sessions). The password is read from standard input
    /// (first line, at least 12 characters).
    Add {
        /// The login, e.g. marie.durand (a-z 0-9 . _ - @).
        #[arg(long)]
        login: String,
        /// Sees the kiosks of this agency.
        #[arg(long, conflicts_with = "caisse", required_unless_present = "caisse")]
        agency: Option<String>,
        /// Sees the kiosks of every agency of this caisse.
        #[arg(long)]
        caisse: Option<String>,
        /// agent (sees and closes help calls) or observer (sees only).
        #[arg(long, default_value = "agent")]
        role: String,
        /// argon2id cost, as for `serve --argon2`.
        #[arg(long, env = "MSA_BACKEND_ARGON2", default_value = "19456,2,1")]
        argon2: String,
        #[command(flatten)]
        db: DbArg,
    },
    /// Unlock an account locked after failed logins.
    Unlock {
        #[arg(long)]
        login: String,
        #[command(flatten)]
        db: DbArg,
    },
    /// Remove an account and end its sessions.
    Remove {
        #[arg(long)]
        login: String,
        #[command(flatten)]
        db: DbArg,
    },
    /// List the accounts: login, scope, role, locked.
    List {
        #[command(flatten)]
        db: DbArg,
    },
}

#[derive(Args, Debug)]
struct DbArg {
    /// sqlite://path.db (created and migrated if missing) or postgres://user:pw@host/db.
    #[arg(
        long,
        env = "MSA_BACKEND_DATABASE",
        default_value = "sqlite://msa-backend.db",
        hide_env_values = true
    )]
    database: String,
}

#[derive(Args, Debug)]
struct ServeArgs {
    /// Address to listen on. Plain HTTP only on loopback; elsewhere give --tls-cert/--tls-key.
    #[arg(long, env = "MSA_BACKEND_LISTEN", default_value = "127.0.0.1:8787")]
    listen: String,
    #[command(flatten)]
    db: DbArg,
    /// PEM certificate chain: serve HTTPS (with --tls-key).
    #[arg(long, env = "MSA_BACKEND_TLS_CERT", requires = "tls_key")]
    tls_cert: Option<PathBuf>,
    /// PEM private key (with --tls-cert).
    #[arg(long, env = "MSA_BACKEND_TLS_KEY", requires = "tls_cert")]
    tls_key: Option<PathBuf>,
    /// Per-kiosk rate limit, `<requests per minute>[/<burst>]`; beyond it, 429 throttled.
    #[arg(long, env = "MSA_BACKEND_KIOSK_RATE", default_value = "600/120")]
    kiosk_rate: String,
    /// Failed verifications per NIR in 24 h before the secret is no longer checked.
    #[arg(long, env = "MSA_BACKEND_NIR_MAX_FAILURES", default_value_t = 5)]
    nir_max_failures: u32,
    /// argon2id cost of provisional-password hashes: `<memory KiB>,<iterations>,<lanes>`,
    /// or `test` for the cheapest (tests only).
    #[arg(long, env = "MSA_BACKEND_ARGON2", default_value = "19456,2,1")]
    argon2: String,
    /// TEST KNOB, off by default: inject a fault on POST /v1/enrolments:
    /// unavailable | slow:<ms> | reset | reset-after | off.
    #[arg(long = "fault", env = "MSA_BACKEND_FAULT", default_value = "off")]
    fault: String,
    /// TEST KNOB: allow PUT /admin/fault to change the fault at run time.
    #[arg(long, env = "MSA_BACKEND_FAULT_INJECTION", value_parser = clap::builder::BoolishValueParser::new())]
    fault_injection: bool,
    /// Do not seed the demo insured persons.
    #[arg(long, env = "MSA_BACKEND_NO_DEMO", value_parser = clap::builder::BoolishValueParser::new())]
    no_demo: bool,
    /// Console: a kiosk without a heartbeat for this many minutes is shown « silencieuse ».
    #[arg(long, env = "MSA_BACKEND_CONSOLE_SILENT_MINUTES", default_value_t = 5)]
    console_silent_minutes: u64,
    /// Console: set `Secure` on its cookies even for plain HTTP on loopback (behind a TLS
    /// proxy on the same machine).
    #[arg(long, env = "MSA_BACKEND_CONSOLE_SECURE_COOKIES")]
    console_secure_cookies: bool,
}

fn parse_argon2(text: &str) -> anyhow::Result<Argon2Cost> {
    if text.trim() == "test" {
        return Ok(Argon2Cost::for_tests());
    }
    let parts: Vec<u32> = text
        .split(',')
        .map(|p| p.trim().parse::<u32>())
        .collect::<Result<_, _>>()
        .context("argon2 cost must be <memory KiB>,<iterations>,<lanes> or test")?;
    let [memory_kib, iterations, parallelism] = parts[..] else {
        bail!("argon2 cost must be <memory KiB>,<iterations>,<lanes> or test");
    };
    Ok(Argon2Cost {
        memory_kib,
        iterations,
        parallelism,
    })
}

fn env_secret(name: &str) -> Option<Secret> {
    std::env::var(name)
        .ok()
        .filter(|v| !v.trim().is_empty())
        .map(|v| Secret::new(v.trim()))
}

fn serve_config(args: ServeArgs) -> anyhow::Result<Config> {
    let listen = config::parse_listen(&args.listen)?;
    let mut config = Config::new(listen, args.db.database);
    config.tls = match (args.tls_cert, args.tls_key) {
        (Some(cert), Some(key)) => Some(TlsFiles { cert, key }),
        _ => None,
    };
    config.admin_token = env_secret("MSA_BACKEND_ADMIN_TOKEN");
    if let Some(list) = env_secret("MSA_BACKEND_KIOSK_TOKENS") {
        config.kiosk_tokens =
            config::parse_kiosk_tokens(list.expose()).context("MSA_BACKEND_KIOSK_TOKENS")?;
    }
    config.kiosk_rate = config::parse_kiosk_rate(&args.kiosk_rate).context("--kiosk-rate")?;
    config.nir_max_failures = args.nir_max_failures;
    config.argon2 = parse_argon2(&args.argon2).context("--argon2")?;
    config.fault = config::parse_fault(&args.fault).context("--fault / MSA_BACKEND_FAULT")?;
    config.fault_injection = args.fault_injection || config.fault.is_some();
    config.seed_demo = !args.no_demo;
    if args.console_silent_minutes == 0 {
        bail!("--console-silent-minutes must be at least 1");
    }
    config.console.silent_after =
        std::time::Duration::from_secs(args.console_silent_minutes.saturating_mul(60));
    if args.console_secure_cookies {
        config.console.secure_cookies = Some(true);
    }
    config.check_transport()?;
    Ok(config)
}

fn init_tracing(default: &str) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    match cli.command {
        Command::Serve(args) => {
            init_tracing("info,sqlx=warn");
            let config = serve_config(args)?;
            if let Some(fault) = config.fault {
                tracing::warn!(%fault, "FAULT INJECTION ON (test knob)");
            }
            msa_backend::serve(config).await
        }
        Command::AddKiosk { id, agency, db } => {
            init_tracing("warn");
            config::check_kiosk_id(&id)?;
            if let Some(agency) = &agency {
                config::check_name("agency id", agency)?;
            }
            let token = read_secret_line("token")?;
            let token = Secret::new(token.expose().trim());
            if token.expose().chars().count() < 16 {
                bail!("the kiosk token must be at least 16 characters (read from standard input)");
            }
            let db = msa_backend::Db::connect(&db.database).await?;
            msa_backend::register_kiosk(&db, &id, token.expose()).await?;
            if let Some(agency) = &agency {
                msa_backend::staff::set_kiosk_agency(&db, &id, agency).await?;
            }
            db.close().await;
            match agency {
                Some(agency) => println!(
                    "kiosk {id} registered in agency {agency} (token stored as its SHA-256)"
                ),
                None => println!("kiosk {id} registered (token stored as its SHA-256)"),
            }
            Ok(())
        }
        Command::Agency(AgencyCommand::Add {
            id,
            caisse,
            name,
            db,
        }) => {
            init_tracing("warn");
            let db = msa_backend::Db::connect(&db.database).await?;
            msa_backend::staff::add_agency(&db, &id, &caisse, &name).await?;
            db.close().await;
            println!("agency {id} saved (caisse {caisse})");
            Ok(())
        }
        Command::Staff(command) => {
            init_tracing("warn");
            staff_command(command).await
        }
        Command::Mailouts { db, json } => {
            init_tracing("warn");
            let db = msa_backend::Db::connect(&db.database).await?;
            let list = msa_backend::mailouts::list(&db).await?;
            db.close().await;
            if json {
                println!("{}", serde_json::to_string_pretty(&list)?);
            } else {
                print!("{}", msa_backend::mailouts::render_table(&list));
            }
            Ok(())
        }
        Command::Followups { db, json } => {
            init_tracing("warn");
            let db = msa_backend::Db::connect(&db.database).await?;
            let list = msa_backend::followups::list(&db, None).await?;
            db.close().await;
            if json {
                println!("{}", serde_json::to_string_pretty(&list)?);
            } else {
                print!("{}", msa_backend::followups::render_table(&list));
            }
            Ok(())
        }
    }
}

/// The first line of standard input, as a secret (`what` names it in the error).
fn read_secret_line(what: &str) -> anyhow::Result<Secret> {
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .with_context(|| format!("cannot read the {what} from standard input"))?;
    let secret = Secret::new(line.trim_end_matches(['\r', '\n']));
    zeroize::Zeroize::zeroize(&mut line);
    Ok(secret)
}

async fn staff_command(command: StaffCommand) -> anyhow::Result<()> {
    use msa_backend::staff::{self, Role, Scope};
    match command {
        StaffCommand::Add {
            login,
            agency,
            caisse,
            role,
            argon2,
            db,
        } => {
            let role: Role = role.parse()?;
            let scope = match (agency, caisse) {
                (Some(agency), None) => Scope::Agency(agency),
                (None, Some(caisse)) => Scope::Caisse(caisse),
                _ => bail!("give --agency or --caisse"),
            };
            let cost = parse_argon2(&argon2).context("--argon2")?;
            let password = read_secret_line("password")?;
            let db = msa_backend::Db::connect(&db.database).await?;
            let done = staff::add_staff(&db, &login, &password, &scope, role, cost).await;
            db.close().await;
            done?;
            println!(
                "staff account saved: {} ({} {}, {}); password stored as an argon2id hash",
                staff::normalise_login(&login).unwrap_or_default(),
                scope.kind(),
                scope.id(),
                role.as_str()
            );
            Ok(())
        }
        StaffCommand::Unlock { login, db } => {
            let db = msa_backend::Db::connect(&db.database).await?;
            let found = staff::unlock(&db, &login).await;
            db.close().await;
            if !found? {
                bail!("no staff account {login:?}");
            }
            println!("staff account unlocked");
            Ok(())
        }
        StaffCommand::Remove { login, db } => {
            let db = msa_backend::Db::connect(&db.database).await?;
            let found = staff::remove(&db, &login).await;
            db.close().await;
            if !found? {
                bail!("no staff account {login:?}");
            }
            println!("staff account removed");
            Ok(())
        }
        StaffCommand::List { db } => {
            let db = msa_backend::Db::connect(&db.database).await?;
            let list = staff::list(&db).await;
            db.close().await;
            for line in list? {
                println!(
                    "{}\t{}\t{}{}",
                    line.login,
                    line.scope,
                    line.role,
                    if line.locked { "\tlocked" } else { "" }
                );
            }
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cli_is_well_formed() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }

    #[test]
    fn argon2_cost() {
        assert_eq!(parse_argon2("test").unwrap(), Argon2Cost::for_tests());
        assert_eq!(parse_argon2("19456,2,1").unwrap(), Argon2Cost::default());
        assert!(parse_argon2("1,2").is_err());
    }
}
