//! khabar's HTTP face: axum adapters over the use cases of `khabar-app`.
//! The folders say what they are: `public/` (the reader's site, feeds and
//! sitemaps), `newsroom/` (editors' screens), `moderation/` (moderators'
//! screens), `api/` (the JSON API), `theme/` (templates, strings, mail) and
//! `http/` (sessions, CSRF, forms, caching, errors). Handlers stay thin:
//! typed request in, one use case, a page or JSON out.

/// What a page may load, the one policy of every page; each page adds who
/// may frame it (no one, or an embedded discussion's allowed origins).
macro_rules! page_sources {
    () => {
        "default-src 'self'; img-src 'self' https:; style-src 'self'; script-src 'self'; \
         object-src 'none'; base-uri 'self'; form-action 'self'"
    };
}
pub(crate) use page_sources;

pub mod api;
mod extract;
pub mod http;
mod limits;
mod moderation;
mod newsroom;
mod public;
mod serve;
pub mod theme;

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::{Request, State};
use axum::http::{HeaderName, HeaderValue, header};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::{get, post};
use khabar_app::{Context, Settings};
use khabar_core::{Lang, SiteSettings};
use khabar_store::Store;
use minijinja::Environment;
use public::listing::ListKind;
use public::pages;
use public::syndication::feeds::{self, Format};
use public::syndication::sitemaps;
use public::{account, accounts, comments, live, readers, search};
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

pub use http::error::PageError;
pub use limits::Limits;
pub use serve::serve;
pub use theme::Theme;
pub use theme::i18n::{I18n, I18nError};

/// What every request handler shares: the use cases' [`Context`] (reached
/// through `Deref`, so `app.store` and `app.site()` read as before) and
/// what only the web needs — templates, strings, caches, live streams.
pub struct App {
    pub ctx: Arc<Context>,
    pub i18n: Arc<I18n>,
    /// Cache lifetimes and recent pages' compressed forms.
    http_cache: Arc<http::cache::HttpCache>,
    templates: Arc<Environment<'static>>,
    theme: Theme,
    /// Proxies whose X-Forwarded-For is believed (the load balancer).
    trusted_proxies: Vec<std::net::IpAddr>,
    /// Where open pages subscribe to live comment events.
    live: tokio::sync::broadcast::Receiver<live::LiveMessage>,
    /// Taken once by the follower task that feeds `live`.
    live_sender: std::sync::Mutex<Option<tokio::sync::broadcast::Sender<live::LiveMessage>>>,
    /// Timeouts and caps on what one client holds.
    limits: Limits,
    /// Live streams open per reader address.
    live_streams: Arc<limits::PerKey<String>>,
    /// Article reads served since the last flush to the store.
    reads: khabar_app::front::ReadCounter,
    /// Who may read `/metrics`.
    metrics_access: http::metrics::MetricsAccess,
}

impl std::ops::Deref for App {
    type Target = Context;

    fn deref(&self) -> &Context {
        &self.ctx
    }
}

/// The theme's letters, for mail composed outside a serving node (the
/// invitations `khabar import --invite` puts in the outbox, which every
/// node's mailer sends).
pub fn letters(
    theme: Theme,
    site: SiteSettings,
) -> Result<Arc<dyn khabar_app::Letters>, I18nError> {
    let i18n = Arc::new(I18n::load(Arc::new(Settings::new(site)), &theme)?);
    let templates = Arc::new(theme::environment(theme, i18n.clone(), None));
    Ok(Arc::new(theme::letters::ThemeLetters { i18n, templates }))
}

impl App {
    pub fn new(
        store: Store,
        site: SiteSettings,
        base_url: &str,
        theme: Theme,
        media: khabar_app::media_store::MediaStore,
        search: Arc<khabar_search::SearchIndex>,
    ) -> Result<App, I18nError> {
        // Requests are counted from the first.
        http::metrics::recorder();
        let settings = Arc::new(Settings::new(site));
        let i18n = Arc::new(I18n::load(settings.clone(), &theme)?);
        let templates = Arc::new(theme::environment(
            theme.clone(),
            i18n.clone(),
            media.public_base_url().map(str::to_owned),
        ));
        let letters = Arc::new(theme::letters::ThemeLetters {
            i18n: i18n.clone(),
            templates: templates.clone(),
        });
        let ctx = Arc::new(Context::new(
            store, search, settings, base_url, media, letters,
        ));
        let (live_sender, live) = live::channel();
        Ok(App {
            http_cache: Arc::new(http::cache::HttpCache::new(
                http::cache::CacheSettings::default(),
                Some(ctx.clone()),
            )),
            ctx,
            i18n,
            templates,
            theme,
            trusted_proxies: Vec::new(),
            live,
            live_sender: std::sync::Mutex::new(Some(live_sender)),
            live_streams: limits::PerKey::new(Limits::default().live_streams_per_address),
            limits: Limits::default(),
            reads: Default::default(),
            metrics_access: Default::default(),
        })
    }

    /// Starts the task that emails notifications by preference.
    pub fn send_notification_emails(
        &self,
        stop: tokio::sync::watch::Receiver<bool>,
    ) -> tokio::task::JoinHandle<()> {
        tokio::spawn(khabar_app::notifications::run(self.ctx.clone(), stop))
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

    /// Starts the task that applies the events log to the page cache as
    /// it grows; none when the cache is off.
    pub fn follow_pages(
        &self,
        stop: tokio::sync::watch::Receiver<bool>,
    ) -> Option<tokio::task::JoinHandle<()>> {
        let pages = self.http_cache.pages()?.clone();
        Some(tokio::spawn(pages.follow(stop)))
    }

    /// Starts the task that adds this node's article read counts to the
    /// store (for "most read") now and then and when `stop` fires.
    pub fn flush_reads(
        self: &Arc<Self>,
        stop: tokio::sync::watch::Receiver<bool>,
    ) -> tokio::task::JoinHandle<()> {
        tokio::spawn(public::reads::flush(self.clone(), stop))
    }

    /// What the page cache holds, if it is on.
    pub fn page_cache_report(&self) -> Option<http::cache::PageCacheReport> {
        self.http_cache.pages().map(|pages| pages.report())
    }

    /// Believe `X-Forwarded-For` from these addresses (a load balancer or
    /// CDN in front of the site); everyone else's header is ignored.
    pub fn trusting_proxies(mut self, proxies: Vec<std::net::IpAddr>) -> App {
        self.trusted_proxies = proxies;
        self
    }

    /// Timeouts and caps on connections and live streams.
    pub fn limiting(mut self, limits: Limits) -> App {
        self.live_streams = limits::PerKey::new(limits.live_streams_per_address);
        self.limits = limits;
        self
    }

    /// Who may read `/metrics` (by default only this machine).
    pub fn guarding_metrics(mut self, access: http::metrics::MetricsAccess) -> App {
        self.metrics_access = access;
        self
    }

    /// Cache lifetimes and the purge address.
    pub fn caching(mut self, settings: http::cache::CacheSettings) -> App {
        self.http_cache = Arc::new(http::cache::HttpCache::new(
            settings,
            Some(self.ctx.clone()),
        ));
        self
    }

    /// The writing direction of a site language, as `dir` wants it.
    pub(crate) fn dir(&self, lang: Lang) -> &'static str {
        self.site()
            .dir_of(lang)
            .map(|d| d.as_str())
            .unwrap_or("auto")
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
        .route("/{*name}", get(public::media::file))
        .fallback(theme::page::not_found)
        .layer(SetResponseHeaderLayer::overriding(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("sandbox; default-src 'none'; style-src 'unsafe-inline'"),
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
    for page in khabar_app::front::STATIC_PAGES {
        site = site.route(
            &format!("/{{lang}}/{page}"),
            get(
                move |State(app): State<Arc<App>>,
                      extract::PageLang(lang): extract::PageLang,
                      viewer: http::session::Viewer| {
                    pages::static_page(app, lang, viewer, page)
                },
            ),
        );
    }
    site.merge(api::routes())
        .merge(newsroom::routes())
        .route("/api/{*rest}", axum::routing::any(api::not_found))
        .route("/", get(pages::choose_language))
        .route("/healthz", get(http::health::alive))
        .route("/metrics", get(http::metrics::scrape))
        .route("/live", get(live::shared))
        .route("/embed.js", get(public::embed::script))
        .route("/embed/signed-in", get(public::embed::signed_in))
        .route("/embed/{lang}/thread", get(public::embed::thread))
        .route("/readyz", get(http::health::ready))
        .route("/robots.txt", get(sitemaps::robots))
        .route("/sitemap.xml", get(sitemaps::index))
        .route("/sitemaps/{file}", get(sitemaps::file))
        .route("/assets/{*path}", get(theme::assets::asset))
        .route("/favicon.ico", get(theme::assets::favicon))
        .route("/apple-touch-icon.png", get(theme::assets::touch_icon))
        .route(
            "/apple-touch-icon-precomposed.png",
            get(theme::assets::touch_icon),
        )
        .route("/manifest.webmanifest", get(theme::assets::manifest))
        .route(
            "/{lang}/manifest.webmanifest",
            get(theme::assets::language_manifest),
        )
        .nest("/media", media)
        .route("/{lang}", get(pages::language_root))
        .route("/{lang}/", get(pages::home))
        .route("/{lang}/section/{slug}", get(pages::section))
        .route("/{lang}/tag/{slug}", get(pages::tag))
        .route("/{lang}/author/{slug}", get(pages::author))
        .route("/{lang}/story/{slug}", get(pages::article))
        .route("/{lang}/story/{slug}/comments", post(comments::post))
        .route("/{lang}/story/{slug}/live", get(live::stream))
        .route(
            "/{lang}/story/{slug}/comments.atom",
            get(|State(app): State<Arc<App>>, path| feeds::comments(app, path)),
        )
        .route("/{lang}/comments/{id}/edit", post(comments::edit))
        .route("/{lang}/comments/{id}/delete", post(comments::delete))
        .route("/{lang}/comments/{id}/like", post(comments::like))
        .route("/{lang}/comments/{id}/report", post(comments::report))
        .route("/{lang}/comments/{id}/fragment", get(comments::fragment))
        .route("/{lang}/comments/{id}/history", get(comments::history))
        .route("/{lang}/comment/{id}", get(comments::permalink))
        .route("/{lang}/user/{username}", get(readers::profile))
        .route("/{lang}/search", get(search::articles))
        .route("/{lang}/moderate/search", get(moderation::search::comments))
        .route("/{lang}/moderate", get(moderation::pages::queue))
        .route(
            "/{lang}/moderate/comments",
            post(moderation::pages::act_on_comments),
        )
        .route(
            "/{lang}/moderate/users/{id}",
            get(moderation::pages::reader).post(moderation::pages::act_on_reader),
        )
        .route("/{lang}/moderate/undo", post(moderation::pages::undo))
        .route("/{lang}/moderate/log", get(moderation::pages::log))
        .route("/{lang}/moderate/log.csv", get(moderation::pages::log_csv))
        .route(
            "/{lang}/moderate/settings",
            get(moderation::settings::settings).post(moderation::settings::save_settings),
        )
        .route(
            "/{lang}/moderate/word-lists",
            post(moderation::settings::save_word_list),
        )
        .route("/{lang}/moderate/live", get(moderation::pages::live))
        .route(
            "/{lang}/account/warning",
            post(moderation::pages::acknowledge_warning),
        )
        .route("/{lang}/notifications", get(readers::notifications))
        .route("/{lang}/notifications/read", post(readers::mark_read))
        .route(
            "/{lang}/account/email-notifications",
            post(readers::set_email_preference),
        )
        .route(
            "/{lang}/unsubscribe/{key}",
            get(readers::unsubscribe).post(readers::unsubscribe),
        )
        .route(
            "/{lang}/signup",
            get(accounts::sign_up_form).post(accounts::sign_up),
        )
        .route(
            "/{lang}/signin",
            get(accounts::sign_in_form).post(accounts::sign_in),
        )
        .route("/{lang}/signout", post(accounts::sign_out))
        .route("/{lang}/welcome", get(accounts::welcome))
        .route("/{lang}/account", get(account::account))
        .route("/{lang}/account/sessions/end", post(account::end_session))
        .route("/{lang}/account/password", post(account::change_password))
        .route("/{lang}/account/email", post(account::change_email))
        .route("/{lang}/account/delete", post(account::delete_account))
        .route("/{lang}/account/export", get(account::export))
        .route("/{lang}/account/tokens/revoke", post(account::revoke_token))
        .route("/{lang}/verify", get(accounts::verify_email))
        .route(
            "/{lang}/reset",
            get(accounts::reset_request_form).post(accounts::reset_request),
        )
        .route(
            "/{lang}/reset/{token}",
            get(accounts::reset_form).post(accounts::reset),
        )
        .fallback(theme::page::not_found)
        // Inside the viewer's layer: error pages are drawn in the reader's
        // chrome.
        .layer(middleware::from_fn_with_state(
            app.clone(),
            theme::page::dress_errors,
        ))
        .layer(middleware::from_fn_with_state(
            app.clone(),
            http::session::load_viewer,
        ))
        // Forms and JSON are small; the upload route raises its own limit,
        // and nothing reads more than an upload's worth.
        .layer(axum::extract::DefaultBodyLimit::max(MAX_FORM_BYTES))
        .layer(RequestBodyLimitLayer::new(
            khabar_app::media::MAX_UPLOAD_BYTES + MAX_FORM_BYTES,
        ))
        .layer(TimeoutLayer::with_status_code(
            axum::http::StatusCode::REQUEST_TIMEOUT,
            REQUEST_TIMEOUT,
        ))
        .layer(CatchPanicLayer::new())
        .layer(middleware::from_fn_with_state(
            app.http_cache.clone(),
            http::cache::layer,
        ))
        // Outside the page cache, so pages it serves are counted too.
        .layer(middleware::from_fn_with_state(
            app.clone(),
            public::reads::count,
        ))
        // Outside the panic and timeout layers, so their answers carry the
        // headers too.
        .layer(middleware::from_fn(security_headers))
        // Sees every answer, with the route matched; inside the request's
        // span.
        .layer(middleware::from_fn(http::metrics::record))
        .layer(TraceLayer::new_for_http().make_span_with(http::request_id::span))
        // Outermost: the id is set before the span opens and goes back on
        // every answer.
        .layer(PropagateRequestIdLayer::new(http::request_id::REQUEST_ID))
        .layer(SetRequestIdLayer::new(
            http::request_id::REQUEST_ID,
            MakeRequestUuid,
        ))
        .layer(middleware::from_fn(http::request_id::screen))
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
    // A page that names who may frame it (an embedded discussion) is
    // framed by them alone.
    let framed = headers
        .get(header::CONTENT_SECURITY_POLICY)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|policy| policy.contains("frame-ancestors"));
    if !framed {
        headers.insert(
            HeaderName::from_static("x-frame-options"),
            HeaderValue::from_static("DENY"),
        );
    }
    // A stricter policy already set for this response (media) stays.
    if !headers.contains_key(header::CONTENT_SECURITY_POLICY) {
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(concat!(page_sources!(), "; frame-ancestors 'none'")),
        );
    }
    response
}
