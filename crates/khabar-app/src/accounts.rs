//! The account use cases — sign-up, sign-in, sessions — shared by the HTML
//! forms and (next) the JSON API. Rate limits and permission checks live
//! here, not in the handlers.

use jiff::{SignedDuration, Timestamp};
use khabar_core::password::{DECOY_HASH, check_new_password, hash_password, verify_password};
use khabar_core::secret::Secret;
use khabar_core::{DisplayName, Email, InvalidInput, Lang, Role, Username};
use khabar_store::{Account, LinkPurpose, NewSession, NewUser, RateDecision, StoreError};

use crate::Context;
use crate::EmailKind;
use crate::error::{Failure, Kind};

/// Sign-ups allowed per client address per hour: enough for a household
/// or an office behind one address, too few for a script.
const SIGNUPS_PER_IP_HOUR: i64 = 10;
/// Sign-in attempts allowed per address per quarter hour, whatever the
/// accounts: against one address trying many.
const SIGNINS_PER_IP: i64 = 30;
/// Failed sign-ins for one account from one address (or one remembered
/// browser) before each further failure blocks that pair alone for a
/// doubling delay (15 s, 30 s, 1 min … up to about an hour).
const FREE_FAILURES: i64 = 5;
const FIRST_DELAY: SignedDuration = SignedDuration::from_secs(15);
/// Sign-ins to one account per hour, from everywhere, before each further
/// one from an unknown browser is answered a little later (a step more
/// each time, at most [`MAX_ACCOUNT_DELAY`]): a backstop against guesses
/// spread over many addresses that never refuses the owner.
const ACCOUNT_FREE_ATTEMPTS: i64 = 20;
const ACCOUNT_DELAY_STEP: SignedDuration = SignedDuration::from_millis(250);
const MAX_ACCOUNT_DELAY: SignedDuration = SignedDuration::from_secs(5);
/// How long a browser that signed in stays known to the account.
pub const DEVICE_LIFETIME: SignedDuration = SignedDuration::from_hours(24 * 30);

/// How long a session lasts without use.
pub const SESSION_LIFETIME: SignedDuration = SignedDuration::from_hours(24 * 30);

/// Who is asking, as far as limits and sessions care.
pub struct Client<'a> {
    pub ip: &'a str,
    pub user_agent: &'a str,
    /// The session the request came with, which a new one replaces.
    pub session: Option<&'a khabar_store::SessionRecord>,
}

#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    #[error("{0}")]
    Invalid(#[from] InvalidInput),
    /// The username or the email belongs to someone already.
    #[error("{0} is already taken")]
    Taken(&'static str),
    /// The same answer whether the account exists or not.
    #[error("wrong username or password")]
    WrongCredentials,
    /// The current password, asked again before a sensitive change, is wrong.
    #[error("the current password is not right")]
    WrongPassword,
    #[error("too many attempts; wait and retry")]
    TooManyAttempts(SignedDuration),
    /// An email link that is unknown, used or expired.
    #[error("this link has expired or was already used")]
    LinkInvalid,
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("internal error: {0}")]
    Internal(String),
}

impl Failure for AccountError {
    fn invalid_input(&self) -> Option<&InvalidInput> {
        match self {
            AccountError::Invalid(e) => Some(e),
            _ => None,
        }
    }

    fn kind(&self) -> Kind {
        match self {
            AccountError::Invalid(_) => Kind::Invalid,
            AccountError::Taken(_) => Kind::Conflict,
            AccountError::WrongCredentials => Kind::Unauthorized,
            AccountError::WrongPassword => Kind::Forbidden,
            AccountError::TooManyAttempts(wait) => Kind::TooMany(*wait),
            AccountError::LinkInvalid => Kind::Gone,
            AccountError::Store(_) | AccountError::Internal(_) => Kind::Internal,
        }
    }

    /// A stable code, also the suffix of the UI string that explains it.
    fn code(&self) -> &'static str {
        match self {
            AccountError::Invalid(e) => e.code,
            AccountError::Taken("email") => "email_taken",
            AccountError::Taken(_) => "username_taken",
            AccountError::WrongCredentials => "wrong_credentials",
            AccountError::WrongPassword => "wrong_password",
            AccountError::TooManyAttempts(_) => "too_many_attempts",
            AccountError::LinkInvalid => "link_invalid",
            AccountError::Store(_) | AccountError::Internal(_) => "internal",
        }
    }

    /// The form field the error belongs to, if any.
    fn field(&self) -> Option<&'static str> {
        match self {
            AccountError::Invalid(e) => Some(e.field),
            AccountError::Taken("email") => Some("email"),
            AccountError::Taken(_) => Some("username"),
            AccountError::WrongPassword => Some("current_password"),
            _ => None,
        }
    }
}

#[derive(Clone, Copy)]
pub struct SignUp<'a> {
    pub username: &'a str,
    pub display_name: &'a str,
    pub email: &'a str,
    pub password: &'a str,
    pub lang: Lang,
}

async fn limit(
    ctx: &Context,
    bucket: &str,
    max: i64,
    window: SignedDuration,
) -> Result<(), AccountError> {
    match ctx
        .store
        .count_attempt(bucket, max, window, Timestamp::now())
        .await?
    {
        RateDecision::Allowed { .. } => Ok(()),
        RateDecision::Limited { retry_after } => Err(AccountError::TooManyAttempts(retry_after)),
    }
}

async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, AccountError> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| AccountError::Internal(e.to_string()))
}

/// How long a verification link works.
const VERIFY_LINK_LIFETIME: SignedDuration = SignedDuration::from_hours(48);
/// How long a password-reset link works.
const RESET_LINK_LIFETIME: SignedDuration = SignedDuration::from_hours(1);
/// Reset requests allowed per address and per client address per hour.
const RESETS_PER_ADDRESS_HOUR: i64 = 3;
const RESETS_PER_IP_HOUR: i64 = 10;

/// Argon2id of a new password, off the async threads and within the cap.
async fn hashed(password: &str) -> Result<String, AccountError> {
    let password = password.to_owned();
    let _permit = HASHING
        .acquire()
        .await
        .map_err(|e| AccountError::Internal(e.to_string()))?;
    Ok(blocking(move || hash_password(&password)).await??)
}

/// A sign-up's fields once every one of them is valid.
struct ValidSignUp {
    username: Username,
    display_name: DisplayName,
    email: Email,
}

/// Checks every field of a sign-up, so that a form can show all its
/// problems at once; `Err` holds at least one, in the form's order.
fn parse_sign_up(input: &SignUp<'_>) -> Result<ValidSignUp, Vec<InvalidInput>> {
    let username = Username::parse(input.username);
    let display_name = match (&username, input.display_name.trim().is_empty()) {
        (_, false) => Some(DisplayName::parse(input.display_name)),
        (Ok(name), true) => Some(DisplayName::parse(name.as_str())),
        // Shown by a username that is itself refused: its problem is reported once.
        (Err(_), true) => None,
    };
    let email = Email::parse(input.email);
    let personal = [
        username.as_ref().map_or(input.username, Username::as_str),
        email.as_ref().map_or(input.email, Email::as_str),
    ];
    let password = check_new_password(input.password, &personal);
    match (username, display_name, email, password) {
        (Ok(username), Some(Ok(display_name)), Ok(email), Ok(())) => Ok(ValidSignUp {
            username,
            display_name,
            email,
        }),
        (username, display_name, email, password) => Err([
            username.err(),
            display_name.and_then(Result::err),
            email.err(),
            password.err(),
        ]
        .into_iter()
        .flatten()
        .collect()),
    }
}

/// Every problem with a sign-up's fields, none when they are all valid.
pub fn sign_up_problems(input: &SignUp<'_>) -> Vec<InvalidInput> {
    parse_sign_up(input).err().unwrap_or_default()
}

/// What a sign-up did. The two are answered alike wherever the address
/// alone could tell them apart, so a sign-up does not reveal who has an
/// account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignedUp {
    /// A new account, with the link that verifies its email on its way.
    Created(i64),
    /// The address has an account: nothing was created, and its owner is
    /// told (at most once an hour) that someone tried.
    AddressKnown,
}

/// Notices to one address about sign-ups with it, per hour.
const SIGNUP_NOTICES_PER_ADDRESS_HOUR: i64 = 1;

/// Creates a reader account and sends the link that verifies its email.
/// A username already taken is refused (usernames are public anyway); an
/// address already used is not said to be.
pub async fn sign_up(
    ctx: &Context,
    input: SignUp<'_>,
    client: &Client<'_>,
) -> Result<SignedUp, AccountError> {
    let ValidSignUp {
        username,
        display_name,
        email,
    } = parse_sign_up(&input).map_err(|problems| match problems.into_iter().next() {
        Some(first) => AccountError::Invalid(first),
        None => AccountError::Internal("a sign-up refused without a reason".into()),
    })?;
    limit(
        ctx,
        &bucket("signup-ip", client.ip),
        SIGNUPS_PER_IP_HOUR,
        SignedDuration::from_hours(1),
    )
    .await?;
    let hash = hashed(input.password).await?;
    let id = ctx
        .store
        .create_user(NewUser {
            username: &username,
            email: &email,
            display_name: &display_name,
            password_hash: &hash,
            role: Role::Reader,
            lang: input.lang,
        })
        .await;
    let id = match id {
        Ok(id) => id,
        Err(StoreError::Taken { what: "email" }) => {
            tell_owner_of(ctx, &email).await?;
            return Ok(SignedUp::AddressKnown);
        }
        Err(StoreError::Taken { what }) => return Err(AccountError::Taken(what)),
        Err(other) => return Err(other.into()),
    };
    send_link(
        ctx,
        id,
        LinkPurpose::VerifyEmail,
        email.as_str(),
        display_name.as_str(),
        input.lang,
    )
    .await?;
    Ok(SignedUp::Created(id))
}

/// Mails the owner of `email`, in their language, that someone tried to
/// sign up with it — once an hour at most, so sign-ups cannot flood them.
async fn tell_owner_of(ctx: &Context, email: &Email) -> Result<(), AccountError> {
    let notices = bucket("signup-notice", &email.as_str().to_lowercase());
    let decision = ctx
        .store
        .count_attempt(
            &notices,
            SIGNUP_NOTICES_PER_ADDRESS_HOUR,
            SignedDuration::from_hours(1),
            Timestamp::now(),
        )
        .await?;
    if matches!(decision, RateDecision::Limited { .. }) {
        return Ok(());
    }
    let Some((user_id, _)) = ctx
        .store
        .credentials("", &email.as_str().to_lowercase())
        .await?
    else {
        // A deleted account keeps its address reserved; no one to tell.
        return Ok(());
    };
    let account = ctx.store.account(user_id).await?;
    let lang = ctx.served_lang(account.lang);
    let link = format!("{}/{lang}/signin", ctx.base_url);
    ctx.send_account_link(
        &account.email,
        lang,
        EmailKind::SignUpAttempt,
        &account.display_name,
        &link,
    )
    .await
    .map_err(|e| AccountError::Internal(e.to_string()))
}

/// How long an invitation to an imported staff account lasts.
const INVITATION_LIFETIME: SignedDuration = SignedDuration::from_hours(7 * 24);

/// Puts an invitation in the outbox for an account an import made without
/// a password: a password-reset link worded as an invitation, lasting a
/// week. Needs no serving node (the CLI calls it); every node's mailer
/// sends the outbox. False when the account has no real address to invite.
pub async fn invite(
    store: &khabar_store::Store,
    letters: &dyn crate::Letters,
    site: &khabar_core::SiteSettings,
    base_url: &str,
    user_id: i64,
) -> Result<bool, AccountError> {
    let account = store.account(user_id).await?;
    if account.email.ends_with(".invalid") {
        return Ok(false);
    }
    let lang = if site.dir_of(account.lang).is_some() {
        account.lang
    } else {
        site.default_language
    };
    let secret = Secret::generate("khe_").map_err(|e| AccountError::Internal(e.to_string()))?;
    store
        .create_email_link(
            user_id,
            LinkPurpose::ResetPassword,
            &account.email,
            &secret.hash,
            INVITATION_LIFETIME,
        )
        .await?;
    let link = format!("{base_url}/{lang}/reset/{}", secret.token);
    let message = letters
        .account_link(
            site,
            lang,
            EmailKind::Invitation,
            &account.display_name,
            &link,
        )
        .map_err(AccountError::Internal)?;
    store
        .enqueue_email(message.to_new_email(&account.email, &lang))
        .await?;
    Ok(true)
}

/// Creates a one-use link and puts its message in the outbox.
async fn send_link(
    ctx: &Context,
    user_id: i64,
    purpose: LinkPurpose,
    email: &str,
    name: &str,
    lang: Lang,
) -> Result<(), AccountError> {
    let (kind, lifetime, path) = match purpose {
        LinkPurpose::VerifyEmail => (
            EmailKind::VerifyEmail,
            VERIFY_LINK_LIFETIME,
            "verify?token=",
        ),
        LinkPurpose::ResetPassword => (EmailKind::ResetPassword, RESET_LINK_LIFETIME, "reset/"),
    };
    let secret = Secret::generate("khe_").map_err(|e| AccountError::Internal(e.to_string()))?;
    ctx.store
        .create_email_link(user_id, purpose, email, &secret.hash, lifetime)
        .await?;
    let link = format!("{}/{lang}/{path}{}", ctx.base_url, secret.token);
    ctx.send_account_link(email, lang, kind, name, &link)
        .await
        .map_err(|e| AccountError::Internal(e.to_string()))
}

/// Uses a verification link.
pub async fn verify_email(ctx: &Context, token: &str) -> Result<(), AccountError> {
    let used = ctx
        .store
        .use_email_link(
            &khabar_core::secret::hash_token(token),
            LinkPurpose::VerifyEmail,
            Timestamp::now(),
        )
        .await?;
    let (user_id, email) = used.ok_or(AccountError::LinkInvalid)?;
    if ctx.store.mark_email_verified(user_id, &email).await? {
        Ok(())
    } else {
        // The address changed since the link was sent.
        Err(AccountError::LinkInvalid)
    }
}

/// Asks for a password-reset link. The answer, and the time it takes, are
/// the same whether an account uses the address or not: the lookup and the
/// message happen after the answer, in the background.
pub async fn request_password_reset(
    ctx: &std::sync::Arc<Context>,
    address: &str,
    client: &Client<'_>,
) -> Result<(), AccountError> {
    let email = Email::parse(address)?;
    limit(
        ctx,
        &bucket("reset-ip", client.ip),
        RESETS_PER_IP_HOUR,
        SignedDuration::from_hours(1),
    )
    .await?;
    let per_address = bucket("reset-address", &email.as_str().to_lowercase());
    limit(
        ctx,
        &per_address,
        RESETS_PER_ADDRESS_HOUR,
        SignedDuration::from_hours(1),
    )
    .await?;
    let ctx = ctx.clone();
    tokio::spawn(async move {
        let work = async {
            let Some((user_id, _)) = ctx.store.credentials("", email.as_str()).await? else {
                return Ok::<(), AccountError>(());
            };
            let account = ctx.store.account(user_id).await?;
            let lang = ctx.served_lang(account.lang);
            send_link(
                &ctx,
                user_id,
                LinkPurpose::ResetPassword,
                &account.email,
                &account.display_name,
                lang,
            )
            .await
        };
        if let Err(error) = work.await {
            tracing::error!(%error, "password reset email failed");
        }
    });
    Ok(())
}

/// Sets a new password from a reset link; every session of the account ends.
pub async fn reset_password(
    ctx: &Context,
    token: &str,
    new_password: &str,
) -> Result<i64, AccountError> {
    let token_hash = khabar_core::secret::hash_token(token);
    // Check the password before spending the link, so a weak one can be retried.
    let (user_id, account) = {
        let peek = ctx
            .store
            .peek_email_link(&token_hash, LinkPurpose::ResetPassword, Timestamp::now())
            .await?;
        let user_id = peek.ok_or(AccountError::LinkInvalid)?;
        (user_id, ctx.store.account(user_id).await?)
    };
    new_password_problem(&account, new_password)?;
    ctx.store
        .use_email_link(&token_hash, LinkPurpose::ResetPassword, Timestamp::now())
        .await?
        .ok_or(AccountError::LinkInvalid)?;
    let hash = hashed(new_password).await?;
    ctx.store.set_password(user_id, &hash, None).await?;
    let account = format!("user:{user_id}");
    ctx.store
        .clear_attempts(&bucket("password", &account))
        .await?;
    ctx.store
        .clear_attempts(&bucket("signin-account", &account))
        .await?;
    Ok(user_id)
}

/// Why `password` may not become `account`'s password, if it may not.
pub fn new_password_problem(account: &Account, password: &str) -> Result<(), InvalidInput> {
    check_new_password(password, &[&account.username, &account.email])
}

/// Checks the current password of a signed-in person (for changes that
/// need it: password, email, deletion).
async fn confirm_password(ctx: &Context, user_id: i64, password: &str) -> Result<(), AccountError> {
    let phc = ctx.store.password_hash(user_id).await?;
    if guarded_verify(ctx, &format!("user:{user_id}"), password, phc).await? {
        Ok(())
    } else {
        Err(AccountError::WrongPassword)
    }
}

/// Changes the password; other sessions end, this one stays.
pub async fn change_password(
    ctx: &Context,
    session: &khabar_store::SessionRecord,
    current: &str,
    new: &str,
) -> Result<(), AccountError> {
    let account = &session.account;
    confirm_password(ctx, account.id, current).await?;
    new_password_problem(account, new)?;
    let hash = hashed(new).await?;
    ctx.store
        .set_password(account.id, &hash, Some(&session.token_hash))
        .await?;
    Ok(())
}

/// Changes the email address and sends a link to verify the new one.
pub async fn change_email(
    ctx: &Context,
    account: &Account,
    password: &str,
    new_email: &str,
) -> Result<(), AccountError> {
    let email = Email::parse(new_email)?;
    confirm_password(ctx, account.id, password).await?;
    // Each change mails the new address: not a way to spam someone.
    limit(
        ctx,
        &bucket("email-change", &account.id.to_string()),
        3,
        SignedDuration::from_hours(1),
    )
    .await?;
    ctx.store
        .change_email(account.id, &email)
        .await
        .map_err(|e| match e {
            StoreError::Taken { what } => AccountError::Taken(what),
            other => AccountError::Store(other),
        })?;
    let lang = ctx.served_lang(account.lang);
    send_link(
        ctx,
        account.id,
        LinkPurpose::VerifyEmail,
        email.as_str(),
        &account.display_name,
        lang,
    )
    .await
}

/// Everything khabar keeps about a person, for them to take away.
pub async fn export(ctx: &Context, account: &Account) -> Result<serde_json::Value, AccountError> {
    let sessions = ctx.store.sessions_of(account.id, Timestamp::now()).await?;
    let tokens = ctx.store.access_tokens_of(account.id).await?;
    Ok(serde_json::json!({
        "exported_at": Timestamp::now(),
        "account": account,
        "sessions": sessions,
        "access_tokens": tokens,
    }))
}

/// Deletes the account after checking its password.
pub async fn delete_account(
    ctx: &Context,
    account: &Account,
    password: &str,
) -> Result<(), AccountError> {
    confirm_password(ctx, account.id, password).await?;
    ctx.store.delete_account(account.id).await?;
    Ok(())
}

/// Checks a sign-in. `login` is a username or an email address; `device`
/// the known-device cookie the browser sent, if any. The work and the
/// answer are the same whether the account exists or not.
///
/// Wrong passwords are counted per account *and* address (or remembered
/// browser) together, so a stranger's guesses block only the stranger:
/// the owner signs in from another address, or from a browser that signed
/// in before, even from the stranger's address.
pub async fn sign_in(
    ctx: &Context,
    login: &str,
    password: &str,
    client: &Client<'_>,
    device: Option<&str>,
) -> Result<i64, AccountError> {
    limit(
        ctx,
        &bucket("signin-ip", client.ip),
        SIGNINS_PER_IP,
        SignedDuration::from_mins(15),
    )
    .await?;
    let login = login.trim();
    // Nothing that long or with control characters names an account; such
    // input must not reach the database either (PostgreSQL refuses NUL).
    let plausible = login.chars().count() <= 254 && !login.chars().any(char::is_control);
    let credentials = if !plausible {
        None
    } else if login.contains('@') {
        ctx.store.credentials("", &login.to_lowercase()).await?
    } else {
        match Username::parse_for_staff(login) {
            Ok(name) => ctx.store.credentials(&name.key(), "").await?,
            Err(_) => None,
        }
    };
    // One counter per account whichever name is typed; per login text when
    // there is no account, so unknown names are limited alike.
    let account = match &credentials {
        Some((id, _)) => format!("user:{id}"),
        None => format!("login:{}", login.to_lowercase()),
    };
    let (user_id, phc) = match credentials {
        Some((id, phc)) => (Some(id), phc),
        None => (None, DECOY_HASH.clone()),
    };
    let known = match (device, user_id) {
        (Some(token), Some(id)) => {
            let hash = khabar_core::secret::hash_token(token);
            (ctx.store.known_device(&hash, Timestamp::now()).await? == Some(id)).then_some(hash)
        }
        _ => None,
    };
    let pair = match &known {
        Some(device) => format!("{account}|device:{device}"),
        None => {
            slow_down(ctx, &account).await?;
            format!("{account}|from:{}", client.ip)
        }
    };
    let matches = guarded_verify(ctx, &pair, password, phc).await?;
    match user_id {
        Some(id) if matches => {
            ctx.store
                .clear_attempts(&bucket("signin-account", &account))
                .await?;
            Ok(id)
        }
        _ => Err(AccountError::WrongCredentials),
    }
}

/// Counts a sign-in to `account` from a browser it does not know, and past
/// [`ACCOUNT_FREE_ATTEMPTS`] an hour waits a growing moment before
/// answering: it never refuses, so no one can lock the owner out with it.
async fn slow_down(ctx: &Context, account: &str) -> Result<(), AccountError> {
    let hits = match ctx
        .store
        .count_attempt(
            &bucket("signin-account", account),
            i64::MAX,
            SignedDuration::from_hours(1),
            Timestamp::now(),
        )
        .await?
    {
        RateDecision::Allowed { hits } => hits,
        RateDecision::Limited { .. } => i64::MAX,
    };
    let beyond = (hits - ACCOUNT_FREE_ATTEMPTS).clamp(0, 1_000) as u32;
    let wait = (ACCOUNT_DELAY_STEP * beyond as i32).min(MAX_ACCOUNT_DELAY);
    if wait.is_positive() {
        tokio::time::sleep(wait.unsigned_abs()).await;
    }
    Ok(())
}

/// Remembers the browser that just signed in to `user_id`, for
/// [`DEVICE_LIFETIME`]: its own guesses count apart from everyone else's.
/// `previous` is the known-device cookie it came with, which this replaces.
/// Returns the cookie's new value.
pub async fn remember_device(
    ctx: &Context,
    user_id: i64,
    previous: Option<&str>,
) -> Result<String, AccountError> {
    let secret = Secret::generate("khd_").map_err(|e| AccountError::Internal(e.to_string()))?;
    let previous = previous.map(khabar_core::secret::hash_token);
    ctx.store
        .remember_device(
            &secret.hash,
            user_id,
            Timestamp::now() + DEVICE_LIFETIME,
            previous.as_deref(),
        )
        .await?;
    Ok(secret.token)
}

/// A rate-limit bucket name: the subject is hashed, so no email address or
/// username is kept in the table and any input fits its key.
fn bucket(kind: &str, subject: &str) -> String {
    let hash = khabar_core::secret::hash_token(subject);
    format!("{kind}:{}", &hash[..32])
}

/// At most this many concurrent Argon2 computations (each takes ~19 MiB and
/// a core for tens of milliseconds); the rest wait their turn.
static HASHING: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(4);

/// Verifies a password against `phc`, counting the attempt against
/// `subject` *before* verifying, so parallel guesses all count. After
/// [`FREE_FAILURES`] attempts in an hour, each further attempt must first
/// claim a slot that then stays closed for a doubling delay: at most one
/// guess per delay, however many arrive at once. Success clears the count.
async fn guarded_verify(
    ctx: &Context,
    subject: &str,
    password: &str,
    phc: String,
) -> Result<bool, AccountError> {
    let guesses = bucket("password", subject);
    let now = Timestamp::now();
    let hits = match ctx
        .store
        .count_attempt(&guesses, i64::MAX, SignedDuration::from_hours(1), now)
        .await?
    {
        RateDecision::Allowed { hits } => hits,
        RateDecision::Limited { retry_after } => {
            return Err(AccountError::TooManyAttempts(retry_after));
        }
    };
    let delay = |hits: i64| FIRST_DELAY * 2_i32.pow((hits - FREE_FAILURES).clamp(0, 8) as u32);
    if hits > FREE_FAILURES
        && !ctx
            .store
            .claim_attempt(&guesses, now + delay(hits), now)
            .await?
    {
        return Err(AccountError::TooManyAttempts(delay(hits)));
    }
    let password = password.to_owned();
    let permit = HASHING
        .acquire()
        .await
        .map_err(|e| AccountError::Internal(e.to_string()))?;
    let matches = blocking(move || verify_password(&password, &phc)).await?;
    drop(permit);
    if matches {
        ctx.store.clear_attempts(&guesses).await?;
    } else if hits >= FREE_FAILURES {
        ctx.store
            .block(&guesses, Timestamp::now() + delay(hits))
            .await?;
    }
    Ok(matches)
}

/// A new session for `user_id`. Any session the request came with ends
/// first, so a session id planted before sign-in is never promoted.
pub async fn start_session(
    ctx: &Context,
    user_id: i64,
    client: &Client<'_>,
) -> Result<Secret, AccountError> {
    if let Some(old) = client.session {
        ctx.store.end_session(&old.token_hash).await?;
    }
    let secret = Secret::generate("khs_").map_err(|e| AccountError::Internal(e.to_string()))?;
    let csrf = Secret::generate("khc_").map_err(|e| AccountError::Internal(e.to_string()))?;
    ctx.store
        .create_session(NewSession {
            token_hash: &secret.hash,
            user_id,
            csrf_token: &csrf.token,
            user_agent: client.user_agent,
            ip: client.ip,
            lifetime: SESSION_LIFETIME,
        })
        .await?;
    Ok(secret)
}
