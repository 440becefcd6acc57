use std::io::{BufRead, IsTerminal};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, bail};
use clap::{Args, Parser, Subcommand};
use khabar::config::LogFormat;
use khabar::{Config, Overrides, Server};
use khabar_core::{DisplayName, Email, Role, Username};
use khabar_store::{NewUser, Store};

/// Many small allocations per request (headers, strings, futures):
/// mimalloc serves them faster than glibc's allocator (bench/README.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// khabar — bilingual Arabic/English news publishing and reader discussion.
#[derive(Parser)]
#[command(name = "khabar", version, about, propagate_version = true)]
struct Cli {
    /// A TOML configuration file; `KHABAR_*` environment variables override it.
    #[arg(long, global = true, env = "KHABAR_CONFIG", value_name = "FILE")]
    config: Option<PathBuf>,
    /// The data directory (SQLite database, index, media).
    #[arg(long = "data", global = true, value_name = "DIR")]
    data_dir: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the site (migrations are applied first).
    Serve(ServeArgs),
    /// Apply database migrations and exit.
    Migrate,
    /// Rebuild the search index from the database (stop the server first:
    /// it holds the index while it runs).
    Reindex,
    /// Copy a whole instance into another, empty database (say, SQLite to
    /// PostgreSQL). The target is migrated first and committed only when
    /// every table's row count and checksum match; stop the server first.
    MigrateData(MigrateDataArgs),
    /// Copy every file of the data directory's media folder into the
    /// configured media store (media.store = "s3"). Files already there
    /// with the same size are left; running it again copies nothing new.
    /// Nodes may keep serving meanwhile.
    MigrateMedia(MigrateMediaArgs),
    /// Manage staff accounts (administrators by default).
    #[command(subcommand)]
    Admin(AdminCommand),
    /// Manage personal access tokens for the JSON API.
    #[command(subcommand)]
    Token(TokenCommand),
    /// Bring an archive in from another system (docs/import.md). Running
    /// it again changes nothing; what was changed here since is kept.
    #[command(subcommand)]
    Import(ImportCommand),
    /// Write the whole instance as JSON lines (docs/export.md): settings,
    /// people without secrets, sections, tags, bylines, the media list,
    /// stories with their editions and revisions, comments, pages. Read it
    /// back with `khabar import khabar`.
    Export(ExportArgs),
}

#[derive(Args)]
struct ExportArgs {
    /// Where to write it; `-` or none: standard output.
    file: Option<PathBuf>,
}

#[derive(Subcommand)]
enum ImportCommand {
    /// A WordPress export (WXR, from Tools → Export): posts and their
    /// Polylang or WPML translations, categories, tags, authors, comments,
    /// images; the old addresses answer 301 to the new ones.
    Wordpress(ImportArgs),
    /// A Disqus export (XML, from Moderation → Export): each thread's
    /// comments go under the story at its address (an imported story's
    /// old address, or an edition's address here), with their threading
    /// and authors; deleted and spam ones are kept out of view.
    Disqus(ImportArgs),
    /// A Ghost export (JSON, from Settings → Advanced → Export): posts,
    /// their primary tag as the section, tags, authors, feature and inline
    /// images (with --media, Ghost's content/images folder); the old
    /// addresses answer 301 to the new ones.
    Ghost(ImportArgs),
    /// Another khabar's export (`khabar export`, docs/export.md): the whole
    /// instance, with --media its media folder.
    Khabar(ImportArgs),
}

#[derive(Args)]
struct ImportArgs {
    /// The export file.
    file: PathBuf,
    /// Report what would be done; write nothing.
    #[arg(long)]
    dry_run: bool,
    /// The old site's images folder (WordPress: wp-content/uploads; Ghost:
    /// content/images; khabar: its media folder): the images the export
    /// names are taken from it.
    #[arg(long, value_name = "DIR")]
    media: Option<PathBuf>,
    /// Mail each staff account the import makes an invitation to choose
    /// a password (queued in the outbox, which a running node sends);
    /// without it, they use "forgot password".
    #[arg(long)]
    invite: bool,
}

#[derive(Args)]
struct MigrateDataArgs {
    /// The database to copy: sqlite:///path/to/khabar.db or postgres://…
    #[arg(long, value_name = "URL")]
    from: String,
    /// The database to copy into; it must hold no data yet.
    #[arg(long, value_name = "URL")]
    to: String,
}

#[derive(Args)]
struct MigrateMediaArgs {
    /// Count what would be copied, and copy nothing.
    #[arg(long)]
    dry_run: bool,
}

#[derive(Subcommand)]
enum TokenCommand {
    /// Mint a token for a user; it is printed once and stored only hashed.
    Create(TokenCreateArgs),
}

#[derive(Args)]
struct TokenCreateArgs {
    /// The user's username.
    #[arg(long)]
    user: String,
    /// A scope the token grants: read, comment, moderate, edit or admin.
    /// Repeat for several; each must suit the user's role.
    #[arg(long = "scope", required = true)]
    scopes: Vec<String>,
    /// A name to recognise the token by.
    #[arg(long, default_value = "operator token")]
    name: String,
}

#[derive(Args)]
struct ServeArgs {
    /// Address to listen on [default: 127.0.0.1:8080].
    #[arg(long, value_name = "ADDR")]
    listen: Option<SocketAddr>,
    /// Fill an empty instance with demo stories.
    #[arg(long)]
    demo: bool,
}

#[derive(Subcommand)]
enum AdminCommand {
    /// Create an account: an administrator, or the role given.
    Create(AdminCreateArgs),
}

#[derive(Args)]
struct AdminCreateArgs {
    #[arg(long)]
    username: String,
    #[arg(long)]
    email: String,
    /// Shown on bylines and comments [default: the username].
    #[arg(long)]
    display_name: Option<String>,
    /// Read the password from the first line of standard input instead of
    /// prompting.
    #[arg(long)]
    password_stdin: bool,
    /// The account's role: admin, editor, author, moderator or reader.
    #[arg(long, default_value = "admin")]
    role: String,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let listen = match &cli.command {
        Command::Serve(args) => args.listen,
        _ => None,
    };
    let overrides = Overrides {
        listen,
        data_dir: cli.data_dir.clone(),
    };
    let config = match Config::load(cli.config.as_deref(), &overrides) {
        Ok((config, warnings)) => {
            // Before logging starts: its settings come from the configuration.
            for warning in warnings {
                eprintln!("khabar: warning: {warning}");
            }
            config
        }
        Err(error) => {
            eprintln!("khabar: {error}");
            return ExitCode::from(2);
        }
    };
    init_logging(&config);
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("khabar: cannot start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli.command, config)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("khabar: {error:#}");
            ExitCode::FAILURE
        }
    }
}

fn init_logging(config: &Config) {
    use tracing_subscriber::EnvFilter;
    // PostgreSQL's notices ("relation … already exists, skipping" on every
    // start) are not news to an operator.
    let filter = EnvFilter::try_from_default_env()
        .or_else(|_| {
            EnvFilter::try_new(format!("{},sqlx::postgres::notice=warn", config.log.level))
        })
        .unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::stderr().is_terminal())
        .with_writer(std::io::stderr);
    match config.log.format {
        LogFormat::Json => builder.json().init(),
        LogFormat::Text => builder.init(),
    }
}

async fn run(command: Command, config: Config) -> anyhow::Result<()> {
    match command {
        Command::Serve(args) => {
            let server = Server::start(config, args.demo).await?;
            println!("khabar is serving {}/ (Ctrl-C to stop)", server.base_url());
            shutdown_signal().await;
            tracing::info!("shutting down: finishing requests in flight");
            server.stop().await
        }
        Command::Migrate => {
            let store = khabar::server::open_store(&config).await?;
            println!("migrations applied ({} database)", store.backend().as_str());
            store.close().await;
            Ok(())
        }
        Command::Admin(AdminCommand::Create(args)) => create_admin(args, config).await,
        Command::Reindex => reindex(config).await,
        Command::MigrateData(args) => migrate_data(args, config).await,
        Command::MigrateMedia(args) => migrate_media(args, config).await,
        Command::Token(TokenCommand::Create(args)) => create_token(args, config).await,
        Command::Import(ImportCommand::Wordpress(args)) => {
            import(args, Source::Wordpress, config).await
        }
        Command::Import(ImportCommand::Disqus(args)) => import(args, Source::Disqus, config).await,
        Command::Import(ImportCommand::Ghost(args)) => import(args, Source::Ghost, config).await,
        Command::Import(ImportCommand::Khabar(args)) => import(args, Source::Khabar, config).await,
        Command::Export(args) => export(args, config).await,
    }
}

async fn shutdown_signal() {
    let interrupt = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut terminate) => {
                tokio::select! {
                    _ = interrupt => {}
                    _ = terminate.recv() => {}
                }
            }
            Err(_) => {
                let _ = interrupt.await;
            }
        }
    }
    #[cfg(not(unix))]
    let _ = interrupt.await;
}

async fn create_admin(args: AdminCreateArgs, config: Config) -> anyhow::Result<()> {
    let username = Username::parse_for_staff(&args.username)?;
    let role = Role::parse(&args.role)?;
    let email = Email::parse(&args.email)?;
    let display_name =
        DisplayName::parse(args.display_name.as_deref().unwrap_or(username.as_str()))?;
    let password = if args.password_stdin {
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .context("reading the password")?;
        line.trim_end_matches(['\r', '\n']).to_owned()
    } else {
        if !std::io::stdin().is_terminal() {
            bail!("no terminal to ask for a password on: use --password-stdin");
        }
        let first = rpassword::prompt_password("Password: ")?;
        let again = rpassword::prompt_password("Password again: ")?;
        if first != again {
            bail!("the passwords differ");
        }
        first
    };
    khabar_core::password::check_new_password(&password, &[username.as_str(), email.as_str()])?;
    let hash = tokio::task::spawn_blocking(move || khabar_core::password::hash_password(&password))
        .await??;
    let store = khabar::server::open_store(&config).await?;
    let id = store
        .create_user(NewUser {
            username: &username,
            email: &email,
            display_name: &display_name,
            password_hash: &hash,
            role,
            lang: config.site.default_language,
        })
        .await?;
    store.close().await;
    println!("{} {} created (id {id})", role.as_str(), username.as_str());
    Ok(())
}

async fn reindex(config: Config) -> anyhow::Result<()> {
    let store = khabar::server::open_store(&config).await?;
    let dir = config.search_dir();
    let (index, _) = khabar_search::SearchIndex::open(&dir).with_context(|| {
        format!(
            "opening the search index {} (is a server running?)",
            dir.display()
        )
    })?;
    let total = store.indexable_count().await?.max(1) as u64;
    let started = std::time::Instant::now();
    let progress = Progress::new();
    let count =
        khabar_search::rebuild(&store, &index, |done| progress.set(done as u64, total, "")).await?;
    progress.finish();
    store.close().await;
    println!(
        "search index rebuilt: {count} documents in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

async fn migrate_data(args: MigrateDataArgs, config: Config) -> anyhow::Result<()> {
    use khabar::server::redact;
    if let Some(path) = khabar_store::sqlite_path(&args.from)
        && !std::path::Path::new(path).is_file()
    {
        bail!("no database at {path}");
    }
    let source = Store::open(&args.from)
        .await
        .with_context(|| format!("opening {}", redact(&args.from)))?;
    let target = Store::open(&args.to)
        .await
        .with_context(|| format!("opening {}", redact(&args.to)))?;
    target
        .migrate()
        .await
        .context("applying migrations to the target")?;
    eprintln!("copying {} into {}", redact(&args.from), redact(&args.to));
    let started = std::time::Instant::now();
    let progress = Progress::new();
    let copied = source
        .copy_into(&target, |p| {
            progress.set(p.rows_done, p.rows_total, p.table);
        })
        .await?;
    progress.finish();
    source.close().await;
    target.close().await;
    let width = copied.iter().map(|t| t.table.len()).max().unwrap_or(5);
    println!("{:width$}  {:>9}  checksum", "table", "rows");
    for table in &copied {
        println!(
            "{:width$}  {:>9}  {}",
            table.table, table.rows, table.checksum
        );
    }
    println!(
        "copied {} rows of {} tables in {:.1} s: every table's row count and checksum match",
        copied.iter().map(|t| t.rows).sum::<u64>(),
        copied.len(),
        started.elapsed().as_secs_f64()
    );
    println!(
        "media files are not in the database: serve {} to every node, or copy them to a bucket \
         with `khabar migrate-media` (see docs/deployment.md)",
        config.media_dir().display()
    );
    Ok(())
}

async fn migrate_media(args: MigrateMediaArgs, config: Config) -> anyhow::Result<()> {
    use khabar_app::media_store::{Backend, MediaStore, copy_all};
    if config.media.store == Backend::Local {
        bail!(
            "media.store is \"local\": the media already live in {}; set media.store = \"s3\" \
             and the bucket first (see docs/deployment.md)",
            config.media_dir().display()
        );
    }
    let dir = config.media_dir();
    if !dir.is_dir() {
        bail!("no media folder at {}", dir.display());
    }
    let from = MediaStore::local(&dir, None)?;
    let to = config.media_store().context("opening the media store")?;
    eprintln!("copying {from} into {to}");
    let started = std::time::Instant::now();
    let progress = Progress::new();
    let report = copy_all(&from, &to, args.dry_run, |done, total| {
        progress.set(done, total, "");
    })
    .await?;
    progress.finish();
    let copied = if args.dry_run { "would copy" } else { "copied" };
    println!(
        "{copied} {} files ({:.1} MB), {} already there, in {:.1} s",
        report.copied,
        report.copied_bytes as f64 / 1e6,
        report.skipped,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// The formats `khabar import` reads.
#[derive(Clone, Copy)]
enum Source {
    Wordpress,
    Disqus,
    Ghost,
    Khabar,
}

async fn import(args: ImportArgs, source: Source, config: Config) -> anyhow::Result<()> {
    use khabar_app::import::{Options, Target, disqus, ghost, wordpress};
    // A khabar export is read a line at a time; the others whole.
    let file = std::fs::File::open(&args.file)
        .with_context(|| format!("reading {}", args.file.display()))?;
    let size = file.metadata().map(|m| m.len()).unwrap_or(0);
    let text = match source {
        Source::Khabar => String::new(),
        _ => std::fs::read_to_string(&args.file)
            .with_context(|| format!("reading {}", args.file.display()))?,
    };
    if let Some(dir) = &args.media
        && !dir.is_dir()
    {
        bail!("no folder at {}", dir.display());
    }
    let store = khabar::server::open_store(&config).await?;
    let media = config.media_store().context("opening the media store")?;
    let site = &config.site;
    let mut languages = vec![site.default_language];
    languages.extend(
        site.languages
            .iter()
            .map(|l| l.code)
            .filter(|l| *l != site.default_language),
    );
    let options = Options {
        dry_run: args.dry_run,
        media_dir: args.media,
        languages,
    };
    let progress = Progress::new();
    let target = Target {
        store: &store,
        media: &media,
    };
    let summary = match source {
        Source::Wordpress => {
            let step = |done, total| progress.set(done, total, "stories");
            wordpress::import(target, &text, &options, &step).await
        }
        Source::Disqus => {
            let step = |done, total| progress.set(done, total, "comments");
            // Pages of sites that embed discussions find theirs (docs/embed.md).
            let embed = config
                .embed
                .settings()
                .map_err(|(key, message)| anyhow::anyhow!("{key}: {message}"))?;
            disqus::import(target, &text, &options, &embed, &step).await
        }
        Source::Ghost => {
            let step = |done, total| progress.set(done, total, "stories");
            ghost::import(target, &text, &options, &step).await
        }
        Source::Khabar => {
            let step = |done, total| progress.set(done, total, "bytes");
            let reader = std::io::BufReader::new(file);
            khabar_app::import::khabar::import(target, reader, size, &options, &step).await
        }
    };
    progress.finish();
    let summary = match summary {
        Ok(summary) => summary,
        Err(error) => {
            store.close().await;
            return Err(error).with_context(|| format!("importing {}", args.file.display()));
        }
    };
    print!("{summary}");
    let invited = if args.invite {
        invite(&store, &config, &summary).await
    } else {
        Ok(())
    };
    store.close().await;
    invited?;
    if summary.count("users").created > 0 && !args.dry_run && !args.invite {
        println!(
            "imported accounts have no password: their owners set one with \"forgot password\" \
             (or import with --invite)"
        );
    }
    Ok(())
}

/// Queues an invitation for each staff account an import made (a dry run
/// says how many it would).
async fn invite(
    store: &Store,
    config: &Config,
    summary: &khabar_app::import::Summary,
) -> anyhow::Result<()> {
    if summary.dry_run {
        println!("would invite {} staff accounts", summary.new_staff.len());
        return Ok(());
    }
    let overrides = store.site_overrides().await?;
    let site = config.site.with(&overrides).context("the site settings")?;
    let letters = khabar_web::letters(
        khabar_web::Theme::new(config.theme_dir.clone()),
        site.clone(),
    )
    .context("loading the theme")?;
    let base_url = config
        .site
        .base_url
        .clone()
        .unwrap_or_else(|| format!("http://{}", config.listen));
    let (mut invited, mut without_address) = (0, 0);
    for id in &summary.new_staff {
        if khabar_app::accounts::invite(store, letters.as_ref(), &site, &base_url, *id).await? {
            invited += 1;
        } else {
            without_address += 1;
        }
    }
    println!(
        "invited {invited} staff accounts (the mail goes out from a running node's outbox); \
         {without_address} without an address use \"forgot password\" once an admin sets one"
    );
    Ok(())
}

async fn export(args: ExportArgs, config: Config) -> anyhow::Result<()> {
    let store = khabar::server::open_store(&config).await?;
    let site = config
        .site
        .base_url
        .clone()
        .unwrap_or_else(|| format!("http://{}", config.listen));
    let progress = Progress::new();
    let step = |done, kind: &str| progress.set(done, done, kind);
    let to_file = args.file.filter(|f| f.as_os_str() != "-");
    let written = match &to_file {
        Some(path) => {
            let file = std::fs::File::create(path)
                .with_context(|| format!("creating {}", path.display()))?;
            let out = std::io::BufWriter::new(file);
            khabar_app::export::export(&store, &site, out, step).await
        }
        None => {
            let out = std::io::BufWriter::new(std::io::stdout().lock());
            khabar_app::export::export(&store, &site, out, step).await
        }
    };
    progress.finish();
    store.close().await;
    let written = written?;
    let counts: Vec<String> = written
        .iter()
        .filter(|(kind, _)| !matches!(kind.as_str(), "khabar_export" | "end"))
        .map(|(kind, n)| format!("{n} {kind}"))
        .collect();
    if counts.is_empty() {
        eprintln!("exported an empty instance");
    } else {
        eprintln!("exported {}", counts.join(", "));
    }
    eprintln!(
        "media files are listed, not included: copy {} beside the export for `khabar import khabar --media`",
        config.media_dir().display()
    );
    Ok(())
}

/// A one-line progress bar on stderr (indicatif), redrawn in place; when
/// stderr is not a terminal (a log file), only the finished bar, once.
struct Progress(indicatif::ProgressBar);

impl Progress {
    fn new() -> Progress {
        let style = indicatif::ProgressStyle::with_template("[{bar:30}] {pos}/{len} {msg:<24}")
            .expect("a valid progress template")
            .progress_chars("#.");
        Progress(indicatif::ProgressBar::new(0).with_style(style))
    }

    fn set(&self, done: u64, total: u64, label: &str) {
        self.0.set_length(total);
        self.0.set_position(done);
        if self.0.message() != label {
            self.0.set_message(label.to_owned());
        }
    }

    /// Leaves the finished bar on its own line.
    fn finish(&self) {
        if !self.0.is_hidden() {
            self.0.finish();
            eprintln!();
            return;
        }
        let (done, total) = (self.0.position(), self.0.length().unwrap_or(0));
        if done >= total {
            eprintln!("[{}] {done}/{total} {}", "#".repeat(30), self.0.message());
        }
    }
}

async fn create_token(args: TokenCreateArgs, config: Config) -> anyhow::Result<()> {
    let username = Username::parse_for_staff(&args.user)?;
    let store = khabar::server::open_store(&config).await?;
    let user_id = store
        .user_id_by_key(&username.key())
        .await?
        .with_context(|| format!("no user named {}", args.user))?;
    let account = store.account(user_id).await?;
    let token = khabar_app::tokens::create(&store, &account, &args.name, &args.scopes).await;
    store.close().await;
    let token = token?;
    println!("{}", token.token);
    eprintln!(
        "token “{}” for {} with scopes: {} (shown once; keep it secret)",
        token.name,
        account.username,
        token.scopes.to_stored()
    );
    Ok(())
}
