using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Mpp.Client.Ledger;
using Mpp.Client.Methods;
using Mpp.Client.Payments;
using Mpp.Client.Policy;
using Mpp.Client.Protocol;
using Mpp.Client.Testing;

namespace Mpp.Client.Tests.Extensibility;

/// <summary>
/// A wallet shaped like the coming rails (Tempo, Stripe, Lightning, x402, sessions): its method and intents, how it reads
/// terms (sync or with I/O) and how it creates a payload (moving funds itself, failing, reporting a fee) are all scripted.
/// By default it reads the shared charge fields and answers <c>{"token": "valid-test-token"}</c>, which <see cref="RailServer"/> accepts.
/// </summary>
internal sealed class RailWallet(string method = "tempo", params string[] intents) : IPaymentMethod
{
    private readonly ConcurrentQueue<PaymentAttempt> _attempts = new();
    private int _created;
    private int _termsRead;

    public string Method { get; } = method;

    public IReadOnlyCollection<string> Intents { get; } = intents.Length == 0 ? ["charge"] : intents;

    /// <summary>Replaces the synchronous <see cref="IPaymentMethod.ReadTerms"/>.</summary>
    public Func<Challenge, PaymentTerms>? Terms { get; init; }

    /// <summary>Replaces <see cref="IPaymentMethod.ReadTermsAsync"/> (a wallet that needs I/O to read terms).</summary>
    public Func<Challenge, CancellationToken, ValueTask<PaymentTerms>>? TermsAsync { get; init; }

    /// <summary>Replaces the payload creation; <see cref="Payload"/> gives the accepted default.</summary>
    public Func<PaymentAttempt, CancellationToken, ValueTask<PaymentPayload>>? Create { get; init; }

    /// <summary>Every attempt handed to the wallet, in order.</summary>
    public IReadOnlyList<PaymentAttempt> Attempts => [.. _attempts];

    /// <summary>How many payloads were returned (not counting failures).</summary>
    public int Created => Volatile.Read(ref _created);

    /// <summary>How many times terms were read (sync or async).</summary>
    public int TermsRead => Volatile.Read(ref _termsRead);

    public static JsonElement Json(string json)
    {
        using var doc = JsonDocument.Parse(json);
        return doc.RootElement.Clone();
    }

    /// <summary>The payload <see cref="RailServer"/> accepts, carrying the attempt's wallet reference.</summary>
    public static PaymentPayload Payload(PaymentAttempt attempt) =>
        new(Json($$"""{"token":"{{MppTestServerOptions.DefaultTestToken}}"}""")) { WalletReference = attempt.WalletReference };

    /// <summary>The shared charge terms of <paramref name="challenge"/>, with a fee, split recipients or a kind added.</summary>
    public static PaymentTerms ChargeTerms(Challenge challenge, PaymentFee? fee = null, IReadOnlyList<string>? recipients = null, PaymentKind kind = PaymentKind.Charge)
    {
        var t = PaymentTerms.FromChargeRequest(challenge);
        var terms = new PaymentTerms(t.Amount, t.Currency, t.Recipient, t.ExpiresAt, t.ExternalId) { Fee = fee, Kind = kind };
        return recipients is null ? terms : new PaymentTerms(t.Amount, t.Currency, t.Recipient, t.ExpiresAt, t.ExternalId) { Fee = fee, Kind = kind, Recipients = recipients };
    }

    public PaymentTerms ReadTerms(Challenge challenge)
    {
        Interlocked.Increment(ref _termsRead);
        return Terms is { } terms ? terms(challenge) : PaymentTerms.FromChargeRequest(challenge);
    }

    public ValueTask<PaymentTerms> ReadTermsAsync(Challenge challenge, CancellationToken cancellationToken)
    {
        if (TermsAsync is { } read)
        {
            Interlocked.Increment(ref _termsRead);
            return read(challenge, cancellationToken);
        }

        return new(ReadTerms(challenge));
    }

    public async ValueTask<PaymentPayload> CreatePayloadAsync(PaymentAttempt attempt, CancellationToken cancellationToken)
    {
        _attempts.Enqueue(attempt);
        var payload = Create is { } create ? await create(attempt, cancellationToken) : Payload(attempt);
        Interlocked.Increment(ref _created);
        return payload;
    }

    /// <summary>Every answer the coordinator reported through <see cref="IPaymentMethod.OnAnsweredAsync"/>, in order.</summary>
    public IReadOnlyList<(PaymentAttempt Attempt, PaymentExchangeResult Result)> Answers => [.. _answers];

    private readonly ConcurrentQueue<(PaymentAttempt, PaymentExchangeResult)> _answers = new();

    public ValueTask OnAnsweredAsync(PaymentAttempt attempt, PaymentExchangeResult result, CancellationToken cancellationToken)
    {
        _answers.Enqueue((attempt, result));
        return default;
    }
}

/// <summary>An <see cref="MppTestServer"/> that also verifies the rails' methods: a credential pays when its payload carries the test token.</summary>
internal static class RailServer
{
    public static Task<MppTestServer> StartAsync(params string[] methods)
    {
        var options = new MppTestServerOptions();
        foreach (var method in methods)
        {
            options.AddVerifier(method, static credential =>
                credential.Payload.ValueKind == JsonValueKind.Object
                && credential.Payload.TryGetProperty("token", out var token)
                && token.ValueKind == JsonValueKind.String
                && token.GetString() == MppTestServerOptions.DefaultTestToken
                    ? PaymentVerificationResult.Success()
                    : PaymentVerificationResult.Failure(PaymentProblemType.VerificationFailed, "The token is not the test token."));
        }

        return MppTestServer.StartAsync(options);
    }
}

/// <summary>
/// A real DI container with the HTTP payment handler (<c>AddMppPayments</c>), one rail wallet and captured logs; retries
/// wait 1 ms. Budget: 100 usd per day unless <c>configure</c> says otherwise.
/// </summary>
internal sealed class RailHost : IAsyncDisposable
{
    private RailHost(ServiceProvider provider, FakeLogCollector logs)
    {
        Provider = provider;
        Logs = logs;
        Http = provider.GetRequiredService<IHttpClientFactory>().CreateClient();
    }

    public ServiceProvider Provider { get; }

    public HttpClient Http { get; }

    public FakeLogCollector Logs { get; }

    public IPaymentLedger Ledger => Provider.GetRequiredService<IPaymentLedger>();

    public PaymentReconciliation Reconciliation => Provider.GetRequiredService<PaymentReconciliation>();

    public PaymentCoordinator Coordinator => Provider.GetRequiredService<PaymentCoordinator>();

    public static RailHost Create(IPaymentMethod wallet, Action<MppOptions>? configure = null, Action<MppBuilder>? build = null, TimeProvider? time = null)
    {
        var services = new ServiceCollection();
        var logs = new FakeLogCollector();
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(new FakeLoggerProvider(logs)));
        services.AddMetrics();
        if (time is not null)
        {
            services.AddSingleton(time); // before AddMpp, whose TryAdd then keeps it
        }

        var builder = services.AddHttpClient().AddMppPayments(o =>
        {
            o.Budget.PerDay["usd"] = "100";
            o.Retry.BaseDelay = TimeSpan.FromMilliseconds(1);
            configure?.Invoke(o);
        }).AddPaymentMethod(wallet);
        build?.Invoke(builder);
        var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        return new RailHost(provider, logs);
    }

    /// <summary>Everything counted in <paramref name="unit"/> (locked and spent), lifetime, all hosts.</summary>
    public async Task<decimal> CountedAsync(string unit = "usd") => (await UsageAsync(unit)).Total;

    public async Task<LedgerUsage> UsageAsync(string unit = "usd") => await Ledger.GetUsageAsync(unit, null, null, default);

    public async Task<IReadOnlyList<LedgerEntry>> EntriesAsync(LedgerQuery? query = null)
    {
        var list = new List<LedgerEntry>();
        await foreach (var e in Ledger.ListAsync(query ?? new LedgerQuery(), default))
        {
            list.Add(e);
        }

        return list;
    }

    /// <summary>Every log record as one line of text: message, structured values and exception.</summary>
    public IReadOnlyList<string> LogLines() =>
        [.. Logs.GetSnapshot().Select(r => $"{r.Category}: {r.Message} {string.Join(" ", r.StructuredState?.Select(kv => kv.Value) ?? [])} {r.Exception}")];

    public async ValueTask DisposeAsync() => await Provider.DisposeAsync();
}

/// <summary>
/// A transport other than HTTP (as MCP will be): sends each credential, through its wire form, to
/// <see cref="MppTestServer.VerifyAsync"/> and answers what the server decided, with fresh challenges on a refusal.
/// </summary>
internal sealed class VerifyingExchange(MppTestServer server, string path) : IPaymentExchange
{
    private readonly ConcurrentQueue<Credential> _sent = new();

    /// <summary>
    /// The transport loses the server's first answer and resends the same credential (as a retry after a reset would):
    /// the server has already settled and refuses the reuse, which proves nothing.
    /// </summary>
    public bool LoseFirstAnswer { get; init; }

    public IReadOnlyList<Credential> Sent => [.. _sent];

    public IReadOnlyList<CredentialVerification> Verifications => [.. _verifications];

    private readonly ConcurrentQueue<CredentialVerification> _verifications = new();

    public async ValueTask<PaymentExchangeResult> SendAsync(Credential credential, CancellationToken cancellationToken)
    {
        var wire = Credential.Parse(credential.ToHeaderValue()); // what a transport carries is the header form
        _sent.Enqueue(wire);
        var verification = await server.VerifyAsync(wire, path, cancellationToken);
        _verifications.Enqueue(verification);
        var ambiguous = false;
        if (LoseFirstAnswer && _sent.Count == 1)
        {
            ambiguous = true;
            verification = await server.VerifyAsync(wire, path, cancellationToken);
            _verifications.Enqueue(verification);
        }

        if (verification.Succeeded)
        {
            return PaymentExchangeResult.Accepted(verification.Receipt);
        }

        var kind = verification.Problem ?? PaymentProblemType.Unknown;
        var problem = PaymentProblem.Create(PaymentProblem.TypeUri(kind), kind.ToString(), verification.StatusCode, verification.Detail);
        var fresh = ChallengeParser.Parse((await server.IssueChallengesAsync(path, cancellationToken)).Select(c => c.ToHeaderValue()));
        return PaymentExchangeResult.Rejected(problem, problem.PaymentNotTaken, fresh, earlierAttemptAmbiguous: ambiguous);
    }
}

/// <summary>An exchange whose answers are scripted; it counts what it was sent.</summary>
internal sealed class ScriptedExchange(Func<int, PaymentExchangeResult> answer) : IPaymentExchange
{
    private int _sends;

    public int Sends => Volatile.Read(ref _sends);

    public ValueTask<PaymentExchangeResult> SendAsync(Credential credential, CancellationToken cancellationToken) =>
        ValueTask.FromResult(answer(Interlocked.Increment(ref _sends)));
}
