//! khabar's HTTP face: the public site and health checks. Handlers stay
//! thin: parse the request, call the store, render a template.

mod account_pages;
pub mod accounts;
mod admin;
pub mod api;
mod comment_pages;
mod comments;
mod csrf;
mod emails;
mod error;
mod forms;
mod health;
pub mod http_cache;
pub mod i18n;
pub mod live;
pub mod media;
pub mod moderation;
mod moderation_log;
mod moderation_pages;
pub mod newsroom;
pub mod notifier;
mod pages;
mod reader_pages;
pub mod search;
mod search_pages;
pub mod session;
mod structured_data;
mod syndication;
pub mod theme;

use std::future::Future;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::{Request, State};
use axum::http::{HeaderName, HeaderValue, header};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::{get, post};
use khabar_core::{Lang, SiteSettings};
use khabar_store::Store;
use minijinja::Environment;
use pages::ListKind;
use syndication::feeds::{self, Format};
use syndication::sitemaps;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

pub use error::PageError;
pub use i18n::{I18n, I18nError};
pub use theme::Theme;

/// What every request handler shares.
pub struct App {
    pub store: Store,
    /// The configuration file's site settings; what admins change from the
    /// browser is laid over them (`site()`).
    file_site: SiteSettings,
    site: std::sync::RwLock<Arc<SiteSettings>>,
    /// Absolute base of every public link, without a trailing slash.
    pub base_url: String,
    pub i18n: Arc<I18n>,
    /// Published editions and comments, searchable.
    pub search: Arc<khabar_search::SearchIndex>,
    /// Cache lifetimes and recent pages' compressed forms.
    http_cache: Arc<http_cache::HttpCache>,
    templates: Environment<'static>,
    theme: Theme,
    media_dir: PathBuf,
    /// Proxies whose X-Forwarded-For is believed (the load balancer).
    trusted_proxies: Vec<std::net::IpAddr>,
    /// Where open pages subscribe to live comment events.
    live: tokio::sync::broadcast::Receiver<live::LiveMessage>,
    /// The word lists compiled, and the store's version they were built at.
    word_lists: std::sync::RwLock<(i64, Arc<khabar_core::moderation::WordLists>)>,
    /// Taken once by the follower task that feeds `live`.
    live_sender: std::sync::Mutex<Option<tokio::sync::broadcast::Sender<live::LiveMessage>>>,
}

impl App {
    pub fn new(
        store: Store,
        site: SiteSettings,
        base_url: &str,
        theme: Theme,
        media_dir: PathBuf,
        search: Arc<khabar_search::SearchIndex>,
    ) -> Result<App, I18nError> {
        let i18n = Arc::new(I18n::load(&site, &theme)?);
        let templates = theme::environment(theme.clone(), i18n.clone());
        let (live_sender, live) = live::channel();
        Ok(App {
            store,
            site: std::sync::RwLock::new(Arc::new(site.clone())),
            file_site: site,
            base_url: base_url.trim_end_matches('/').to_owned(),
            i18n,
            search,
            http_cache: Arc::default(),
            templates,
            theme,
            media_dir,
            trusted_proxies: Vec::new(),
            live,
            word_lists: std::sync::RwLock::new((
                -1,
                Arc::new(khabar_text::wordlist::WordMatcher::new([])),
            )),
            live_sender: std::sync::Mutex::new(Some(live_sender)),
        })
    }

    /// Starts the task that emails notifications by preference.
    pub fn send_notification_emails(
        self: &Arc<Self>,
        stop: tokio::sync::watch::Receiver<bool>,
    ) -> tokio::task::JoinHandle<()> {
        tokio::spawn(notifier::run(self.clone(), stop))
    }

    /// Starts the task that follows the events log and feeds live pages;
    /// it ends when `stop` fires.
    pub fn follow_events(
        self: &Arc<Self>,
        stop: tokio::sync::watch::Receiver<bool>,
    ) -> Option<tokio::task::JoinHandle<()>> {
        let sender = self.live_sender.lock().ok()?.take()?;
        Some(tokio::spawn(live::follow(self.clone(), sender, stop)))
    }

    /// Believe `X-Forwarded-For` from these addresses (a load balancer or
    /// CDN in front of the site); everyone else's header is ignored.
    pub fn trusting_proxies(mut self, proxies: Vec<std::net::IpAddr>) -> App {
        self.trusted_proxies = proxies;
        self
    }

    /// Cache lifetimes and the purge address.
    pub fn caching(mut self, settings: http_cache::CacheSettings) -> App {
        self.http_cache = Arc::new(http_cache::HttpCache::new(settings));
        self
    }

    /// The site settings in force: the file's, with admins' changes.
    pub fn site(&self) -> Arc<SiteSettings> {
        match self.site.read() {
            Ok(site) => site.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    /// Lays the stored settings over the file's again: at start and
    /// whenever the log says an admin changed them (on any node).
    pub async fn reload_site(&self) -> Result<(), khabar_store::StoreError> {
        let overrides = self.store.site_overrides().await?;
        let site = match self.file_site.with(&overrides) {
            Ok(site) => site,
            Err(error) => {
                tracing::error!(%error, "stored site settings do not fit this configuration; using the file's");
                self.file_site.clone()
            }
        };
        self.i18n.set_time_zone(&site.time_zone);
        let site = Arc::new(site);
        match self.site.write() {
            Ok(mut current) => *current = site,
            Err(poisoned) => *poisoned.into_inner() = site,
        }
        Ok(())
    }

    /// The configuration file's site settings, before admins' changes.
    pub fn file_site(&self) -> &SiteSettings {
        &self.file_site
    }

    /// The site's languages, in configured order.
    pub fn languages(&self) -> Vec<Lang> {
        self.site().languages.iter().map(|l| l.code).collect()
    }

    /// The writing direction of a site language, as `dir` wants it.
    pub(crate) fn dir(&self, lang: Lang) -> &'static str {
        self.site()
            .dir_of(lang)
            .map(|d| d.as_str())
            .unwrap_or("auto")
    }

    /// A language of the site by its URL prefix.
    fn lang(&self, code: &str) -> Option<Lang> {
        Lang::parse(code)
            .ok()
            .filter(|lang| self.site().dir_of(*lang).is_some())
    }
}

/// Largest request body accepted; forms are small.
const MAX_FORM_BYTES: usize = 64 * 1024;

/// Longest a request may take before it is answered 408.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

pub fn router(app: Arc<App>) -> Router {
    // Uploaded files are served from the site's origin: a sandbox CSP keeps
    // an SVG with script in it from running as the site.
    let media = Router::new()
        .fallback_service(
            ServeDir::new(&app.media_dir)
                .not_found_service(get(pages::not_found).with_state(app.clone())),
        )
        .layer(SetResponseHeaderLayer::overriding(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("sandbox; default-src 'none'; style-src 'unsafe-inline'"),
        ))
        // Uploads are the same for every reader; a replaced file is
        // revalidated by its Last-Modified within the day.
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CACHE_CONTROL,
            HeaderValue::from_static("public, max-age=86400"),
        ));
    let mut site = Router::new();
    for format in Format::ALL {
        let ext = format.extension();
        site = site.route(
            &format!("/{{lang}}/feed.{ext}"),
            get(move |State(app): State<Arc<App>>, path| feeds::latest(app, path, format)),
        );
        for kind in [ListKind::Section, ListKind::Tag, ListKind::Author] {
            site = site.route(
                &format!("/{{lang}}/{}/{{slug}}/feed.{ext}", kind.path_part()),
                get(move |State(app): State<Arc<App>>, path| {
                    feeds::listed(app, path, kind, format)
                }),
            );
        }
    }
    site.merge(api::routes())
        .merge(admin::routes())
        .route("/api/{*rest}", axum::routing::any(api::not_found))
        .route("/", get(pages::choose_language))
        .route("/healthz", get(health::alive))
        .route("/live", get(live::shared))
        .route("/readyz", get(health::ready))
        .route("/robots.txt", get(sitemaps::robots))
        .route("/sitemap.xml", get(sitemaps::index))
        .route("/sitemaps/{file}", get(sitemaps::file))
        .route("/assets/{*path}", get(pages::asset))
        .nest("/media", media)
        .route("/{lang}", get(pages::language_root))
        .route("/{lang}/", get(pages::home))
        .route("/{lang}/section/{slug}", get(pages::section))
        .route("/{lang}/tag/{slug}", get(pages::tag))
        .route("/{lang}/author/{slug}", get(pages::author))
        .route("/{lang}/story/{slug}", get(pages::article))
        .route("/{lang}/story/{slug}/comments", post(comment_pages::post))
        .route("/{lang}/story/{slug}/live", get(live::stream))
        .route(
            "/{lang}/story/{slug}/comments.atom",
            get(|State(app): State<Arc<App>>, path| feeds::comments(app, path)),
        )
        .route("/{lang}/comments/{id}/edit", post(comment_pages::edit))
        .route("/{lang}/comments/{id}/delete", post(comment_pages::delete))
        .route("/{lang}/comments/{id}/like", post(comment_pages::like))
        .route("/{lang}/comments/{id}/report", post(comment_pages::report))
        .route(
            "/{lang}/comments/{id}/fragment",
            get(comment_pages::fragment),
        )
        .route("/{lang}/comments/{id}/history", get(comment_pages::history))
        .route("/{lang}/comment/{id}", get(comment_pages::permalink))
        .route("/{lang}/user/{username}", get(reader_pages::profile))
        .route("/{lang}/search", get(search_pages::articles))
        .route("/{lang}/moderate/search", get(search_pages::comments))
        .route("/{lang}/moderate", get(moderation_pages::queue))
        .route(
            "/{lang}/moderate/comments",
            post(moderation_pages::act_on_comments),
        )
        .route(
            "/{lang}/moderate/users/{id}",
            get(moderation_pages::reader).post(moderation_pages::act_on_reader),
        )
        .route("/{lang}/moderate/undo", post(moderation_pages::undo))
        .route("/{lang}/moderate/log", get(moderation_pages::log))
        .route("/{lang}/moderate/log.csv", get(moderation_pages::log_csv))
        .route(
            "/{lang}/moderate/settings",
            get(moderation_pages::settings).post(moderation_pages::save_settings),
        )
        .route(
            "/{lang}/moderate/word-lists",
            post(moderation_pages::save_word_list),
        )
        .route("/{lang}/moderate/live", get(moderation_pages::live))
        .route(
            "/{lang}/account/warning",
            post(moderation_pages::acknowledge_warning),
        )
        .route("/{lang}/notifications", get(reader_pages::notifications))
        .route("/{lang}/notifications/read", post(reader_pages::mark_read))
        .route(
            "/{lang}/account/email-notifications",
            post(reader_pages::set_email_preference),
        )
        .route(
            "/{lang}/unsubscribe/{key}",
            get(reader_pages::unsubscribe).post(reader_pages::unsubscribe),
        )
        .route(
            "/{lang}/signup",
            get(account_pages::sign_up_form).post(account_pages::sign_up),
        )
        .route(
            "/{lang}/signin",
            get(account_pages::sign_in_form).post(account_pages::sign_in),
        )
        .route("/{lang}/signout", post(account_pages::sign_out))
        .route("/{lang}/welcome", get(account_pages::welcome))
        .route("/{lang}/account", get(account_pages::account))
        .route(
            "/{lang}/account/sessions/end",
            post(account_pages::end_session),
        )
        .route(
            "/{lang}/account/password",
            post(account_pages::change_password),
        )
        .route("/{lang}/account/email", post(account_pages::change_email))
        .route(
            "/{lang}/account/delete",
            post(account_pages::delete_account),
        )
        .route("/{lang}/account/export", get(account_pages::export))
        .route(
            "/{lang}/account/tokens/revoke",
            post(account_pages::revoke_token),
        )
        .route("/{lang}/verify", get(account_pages::verify_email))
        .route(
            "/{lang}/reset",
            get(account_pages::reset_request_form).post(account_pages::reset_request),
        )
        .route(
            "/{lang}/reset/{token}",
            get(account_pages::reset_form).post(account_pages::reset),
        )
        .fallback(pages::not_found)
        .layer(middleware::from_fn_with_state(
            app.clone(),
            session::load_viewer,
        ))
        // Forms and JSON are small; the upload route raises its own limit,
        // and nothing reads more than an upload's worth.
        .layer(axum::extract::DefaultBodyLimit::max(MAX_FORM_BYTES))
        .layer(RequestBodyLimitLayer::new(
            media::MAX_UPLOAD_BYTES + MAX_FORM_BYTES,
        ))
        .layer(TimeoutLayer::with_status_code(
            axum::http::StatusCode::REQUEST_TIMEOUT,
            REQUEST_TIMEOUT,
        ))
        .layer(CatchPanicLayer::new())
        .layer(middleware::from_fn_with_state(
            app.http_cache.clone(),
            http_cache::layer,
        ))
        // Outside the panic and timeout layers, so their answers carry the
        // headers too.
        .layer(middleware::from_fn(security_headers))
        .layer(TraceLayer::new_for_http())
        .with_state(app)
}

async fn security_headers(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("strict-origin-when-cross-origin"),
    );
    headers.insert(
        HeaderName::from_static("x-frame-options"),
        HeaderValue::from_static("DENY"),
    );
    // A stricter policy already set for this response (media) stays.
    if !headers.contains_key(header::CONTENT_SECURITY_POLICY) {
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(
                "default-src 'self'; img-src 'self' https:; style-src 'self'; script-src 'self'; \
                 object-src 'none'; base-uri 'self'; frame-ancestors 'none'; form-action 'self'",
            ),
        );
    }
    response
}

/// Serves until `shutdown` completes, then stops accepting connections and
/// lets requests in flight finish.
pub async fn serve(
    listener: tokio::net::TcpListener,
    app: Arc<App>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let service = router(app).into_make_service_with_connect_info::<std::net::SocketAddr>();
    axum::serve(listener, service)
        .with_graceful_shutdown(shutdown)
        .await
}
