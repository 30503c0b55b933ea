namespace Mpp.Client.Policy;

/// <summary>
/// The payer's configuration, bound from the <c>Mpp</c> configuration section, validated at start (every problem at once,
/// naming its configuration path) and reloaded live: a reload applies only when valid, else the last valid options stay in
/// force. Amounts are decimal strings in the budget unit, so a person can read them.
/// </summary>
/// <remarks>
/// The options factory does not validate these options (so that <c>IOptionsMonitor&lt;MppOptions&gt;</c> never throws after a
/// bad reload); the SDK validates what it puts in force. <c>IOptions&lt;MppOptions&gt;.Value</c> is what was bound.
/// </remarks>
public sealed class MppOptions
{
    /// <summary>The default configuration section name.</summary>
    public const string SectionName = "Mpp";

    /// <summary>Caps over all hosts together.</summary>
    public BudgetOptions Budget { get; set; } = new();

    /// <summary>Caps per host (keys are host names, lowercase; <c>*.example.com</c> matches subdomains).</summary>
    public Dictionary<string, BudgetOptions> Hosts { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Hosts that may be paid (<c>api.example.com</c>, <c>*.example.com</c>); empty allows any host.</summary>
    public List<string> AllowedHosts { get; set; } = [];

    /// <summary>Method/intent pairs that may be paid (<c>tempo/charge</c>, <c>stripe/*</c>); empty allows any registered method.</summary>
    public List<string> AllowedMethods { get; set; } = [];

    /// <summary>Assets (currency codes, token addresses) that may be paid; empty allows any known asset.</summary>
    public List<string> AllowedAssets { get; set; } = [];

    /// <summary>Recipients that may be paid; empty allows any recipient.</summary>
    public List<string> AllowedRecipients { get; set; } = [];

    /// <summary>Assets beyond the built-in ones (ISO currencies, <c>sat</c>, pathUSD), keyed by currency code or token address.</summary>
    public Dictionary<string, AssetOptions> Assets { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Preferred method/intent ranges with weights, as in <c>Accept-Payment</c>: <c>"tempo/charge"</c>,
    /// <c>"stripe/charge;q=0.5"</c>; <c>q=0</c> forbids. Challenges are tried by descending weight, then server order.
    /// </summary>
    public List<string> Preferences { get; set; } = [];

    /// <summary>Send an <c>Accept-Payment</c> header built from the registered methods and <see cref="Preferences"/>. Default true.</summary>
    public bool SendAcceptPayment { get; set; } = true;

    /// <summary>Allow sending credentials over plain <c>http://</c> to non-loopback hosts. Default false (core spec § "Transport Security").</summary>
    public bool AllowInsecureHttp { get; set; }

    /// <summary>Pay a payment in a unit for which no cap is configured. Default false: such payments are refused.</summary>
    public bool AllowUncappedUnits { get; set; }

    /// <summary>How many payments one request may make (1 to 5). Default 2: a second only when the server proves the first was not taken.</summary>
    public int MaxPaymentRounds { get; set; } = 2;

    /// <summary>Throw <see cref="Http.PaymentException"/> instead of returning the 402 when a payment cannot be made or fails.</summary>
    public bool ThrowOnPaymentFailure { get; set; }

    /// <summary>
    /// Follow redirects in the payment handler (the primary handler's automatic redirects are turned off by
    /// <c>AddMppPayments</c>), dropping credentials on every hop and never paying another origin. Default true.
    /// </summary>
    public bool FollowRedirects { get; set; } = true;

    /// <summary>The most redirects followed per request. Default 10.</summary>
    public int MaxRedirects { get; set; } = 10;

    /// <summary>
    /// The longest a payment method may take to create a credential (default 60 s; 1 s to 1 hour). On timeout nothing is
    /// sent, and the reservation is released unless the wallet said funds are moving.
    /// </summary>
    public TimeSpan CredentialTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// The longest one <see cref="Http.IPaymentObserver"/> call may take (default 5 s; 100 ms to 5 minutes): a hung
    /// observer is logged and left behind, so it never holds a reservation or a request.
    /// </summary>
    public TimeSpan ObserverTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Retries of paid requests after transient failures.</summary>
    public PaymentRetryOptions Retry { get; set; } = new();

    /// <summary>
    /// What went wrong binding these options from configuration (unknown keys, values that cannot be converted), with the
    /// paths the user wrote; reported with the validation errors. Null when bound cleanly or configured in code.
    /// </summary>
    internal IReadOnlyList<string>? ConfigurationErrors { get; set; }
}
