using System.Net;
using Mpp.Client.Http;
using Mpp.Client.Ledger;
using Mpp.Client.Methods;
using Mpp.Client.Payments;
using Mpp.Client.Protocol;
using Mpp.Client.Testing;

namespace Mpp.Client.Tests.Extensibility;

/// <summary>
/// Wallets that move money inside <see cref="IPaymentMethod.CreatePayloadAsync"/> (a Tempo push transaction, a Lightning
/// payment) and wallets with typed failures (Stripe's 3-D Secure), against a real server: money is released only on proof.
/// </summary>
public sealed class FundsMovingWalletTests : IAsyncLifetime
{
    private MppTestServer _server = null!;

    public async Task InitializeAsync()
    {
        _server = await RailServer.StartAsync("tempo", "stripe");
        _server.MapPaid("/push", new PriceOption("25") { Method = "tempo" });
        _server.MapPaid("/card", new PriceOption("25") { Method = "stripe" });
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task A_wallet_that_marked_funds_moving_then_failed_keeps_the_amount_counted_as_unknown_with_its_reference()
    {
        var wallet = new RailWallet("tempo")
        {
            Create = async (attempt, ct) =>
            {
                await attempt.MarkFundsMovingAsync("0xhash", ct);
                throw new HttpRequestException("the RPC node went away after the broadcast");
            },
        };
        await using var host = RailHost.Create(wallet);

        using var response = await host.Http.GetAsync(_server.Url("/push"));

        Assert.Equal(HttpStatusCode.PaymentRequired, response.StatusCode); // nothing was sent to the server
        var outcome = response.GetPaymentOutcome()!;
        Assert.Equal(PaymentStatus.Unknown, outcome.Status);
        Assert.Equal(MppErrorCode.PaymentOutcomeUnknown, outcome.Code);
        Assert.True(outcome.MoneyMayHaveMoved);
        Assert.Contains("stays counted", outcome.Reason, StringComparison.Ordinal);
        Assert.Equal(0.25m, await host.CountedAsync());
        Assert.Equal(new LedgerUsage(0.25m, 0m), await host.UsageAsync()); // locked, not spent: it is pending

        var pending = Assert.Single(await host.Reconciliation.ListPendingAsync());
        Assert.Equal(LedgerEntryState.Unknown, pending.State);
        Assert.Equal("0xhash", pending.WalletReference);
        Assert.Equal("tempo", pending.Charge.Method);
        Assert.Equal(outcome.Quote!.Challenge.Id, pending.Charge.ChallengeId);
        Assert.Equal(0.25m, pending.Amount);
        Assert.Empty(_server.Payments);
    }

    [Fact]
    public async Task A_wallet_that_proves_a_marked_payment_definitively_failed_is_refused_and_released()
    {
        var wallet = new RailWallet("tempo")
        {
            Create = async (attempt, ct) =>
            {
                await attempt.MarkFundsMovingAsync("0xnoroute", ct);
                throw new PaymentMethodException(MppErrorCode.CredentialCreationFailed, "The node failed the payment: NoRoute.") { FundsProvenNotMoved = true };
            },
        };
        await using var host = RailHost.Create(wallet);

        using var response = await host.Http.GetAsync(_server.Url("/push"));

        var outcome = response.GetPaymentOutcome()!;
        Assert.Equal(PaymentStatus.Refused, outcome.Status);
        Assert.Equal(MppErrorCode.CredentialCreationFailed, outcome.Code);
        Assert.False(outcome.MoneyMayHaveMoved);
        Assert.Equal(0m, await host.CountedAsync());
        Assert.Empty(await host.Reconciliation.ListPendingAsync());
        Assert.Equal(LedgerEntryState.Released, Assert.Single(await host.EntriesAsync()).State);
    }

    [Fact]
    public async Task Proof_of_no_movement_does_not_override_a_wallet_saying_funds_may_have_moved()
    {
        var wallet = new RailWallet("tempo")
        {
            Create = async (attempt, ct) =>
            {
                await attempt.MarkFundsMovingAsync("0xboth", ct);
                throw new PaymentMethodException(MppErrorCode.CredentialCreationFailed, "Contradictory.", fundsMayHaveMoved: true) { FundsProvenNotMoved = true };
            },
        };
        await using var host = RailHost.Create(wallet);

        using var response = await host.Http.GetAsync(_server.Url("/push"));

        Assert.Equal(PaymentStatus.Unknown, response.GetPaymentOutcome()!.Status);
        Assert.Equal(0.25m, await host.CountedAsync());
    }

    [Fact]
    public async Task The_same_wallet_failing_before_moving_funds_is_refused_and_released()
    {
        var wallet = new RailWallet("tempo") { Create = (_, _) => throw new HttpRequestException("the RPC node is down") };
        await using var host = RailHost.Create(wallet);

        using var response = await host.Http.GetAsync(_server.Url("/push"));

        var outcome = response.GetPaymentOutcome()!;
        Assert.Equal(PaymentStatus.Refused, outcome.Status);
        Assert.Equal(MppErrorCode.CredentialCreationFailed, outcome.Code);
        Assert.False(outcome.MoneyMayHaveMoved);
        Assert.Contains(nameof(RailWallet), outcome.Reason, StringComparison.Ordinal);
        Assert.Equal(0m, await host.CountedAsync());
        Assert.Empty(await host.Reconciliation.ListPendingAsync());
        var entry = Assert.Single(await host.EntriesAsync());
        Assert.Equal(LedgerEntryState.Released, entry.State);
        Assert.Equal(0m, entry.Amount);
    }

    [Fact]
    public async Task A_wallet_that_moved_funds_and_then_succeeded_records_its_reference_on_the_settled_entry()
    {
        var wallet = new RailWallet("tempo")
        {
            Create = async (attempt, ct) =>
            {
                await attempt.MarkFundsMovingAsync("0xpaid", ct);
                return RailWallet.Payload(attempt);
            },
        };
        await using var host = RailHost.Create(wallet);

        using var response = await host.Http.GetAsync(_server.Url("/push"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(PaymentStatus.Paid, response.GetPaymentOutcome()!.Status);
        var entry = Assert.Single(await host.EntriesAsync());
        Assert.Equal(LedgerEntryState.Settled, entry.State);
        Assert.Equal("0xpaid", entry.WalletReference);
        Assert.Equal(_server.Payments.Single().Reference, entry.Reference);
        Assert.Equal(new LedgerUsage(0m, 0.25m), await host.UsageAsync());
    }

    [Fact]
    public async Task A_not_taken_answer_does_not_release_a_push_payment_whose_funds_already_moved()
    {
        // The payee says "verification failed" (not taken), but the wallet already broadcast: only the chain can tell.
        _server.MapPaid("/flaky", new PaidRouteOptions { Prices = [new PriceOption("25") { Method = "tempo" }], ForcedVerificationFailures = 1 });
        var wallet = new RailWallet("tempo")
        {
            Create = async (attempt, ct) =>
            {
                await attempt.MarkFundsMovingAsync("0x" + attempt.ReservationId.ToString("N")[..8], ct);
                return RailWallet.Payload(attempt);
            },
        };
        await using var host = RailHost.Create(wallet);

        using var response = await host.Http.GetAsync(_server.Url("/flaky"));

        var outcome = response.GetPaymentOutcome()!;
        Assert.Equal(PaymentStatus.Unknown, outcome.Status);
        Assert.Equal(MppErrorCode.PaymentOutcomeUnknown, outcome.Code);
        Assert.Equal(1, outcome.Rounds); // no fresh challenge paid on top of funds that may have moved
        Assert.Equal(1, wallet.Created);
        Assert.Equal(0.25m, await host.CountedAsync());
        Assert.Equal(LedgerEntryState.Unknown, Assert.Single(await host.Reconciliation.ListPendingAsync()).State);
    }

    [Fact]
    public async Task A_typed_action_required_failure_reaches_the_caller_with_its_details_and_releases_the_reservation()
    {
        var details = new Dictionary<string, string> { ["next_action"] = "redirect_to_url:https://hooks.stripe.com/3ds/abc", ["stripe.request_id"] = "req_123" };
        var wallet = new RailWallet("stripe")
        {
            Create = (_, _) => throw new PaymentMethodException(MppErrorCode.PaymentActionRequired, "card needs 3-D Secure", details),
        };
        await using var host = RailHost.Create(wallet);

        using var response = await host.Http.GetAsync(_server.Url("/card"));

        var outcome = response.GetPaymentOutcome()!;
        Assert.Equal(PaymentStatus.Refused, outcome.Status);
        Assert.Equal(MppErrorCode.PaymentActionRequired, outcome.Code);
        Assert.NotNull(outcome.MethodError);
        Assert.Equal(MppErrorCode.PaymentActionRequired, outcome.MethodError!.Code);
        Assert.Equal("redirect_to_url:https://hooks.stripe.com/3ds/abc", outcome.MethodError.Details["next_action"]);
        Assert.Equal("req_123", outcome.MethodError.Details["stripe.request_id"]);
        Assert.Contains("card needs 3-D Secure", outcome.Reason, StringComparison.Ordinal);
        Assert.Equal(0m, await host.CountedAsync());
        Assert.Empty(await host.Reconciliation.ListPendingAsync());
    }

    [Fact]
    public async Task A_typed_action_required_failure_throws_a_PaymentException_carrying_it_with_ThrowOnPaymentFailure()
    {
        var wallet = new RailWallet("stripe")
        {
            Create = (_, _) => throw new PaymentMethodException(MppErrorCode.PaymentActionRequired, "card needs 3-D Secure", new Dictionary<string, string> { ["next_action"] = "use_stripe_sdk" }),
        };
        await using var host = RailHost.Create(wallet, o => o.ThrowOnPaymentFailure = true);

        var ex = await Assert.ThrowsAsync<PaymentException>(() => host.Http.GetAsync(_server.Url("/card")));

        Assert.Equal(MppErrorCode.PaymentActionRequired, ex.Code);
        Assert.Equal("use_stripe_sdk", ex.Outcome!.MethodError!.Details["next_action"]);
        Assert.IsType<PaymentMethodException>(ex.InnerException);
        Assert.Equal(0m, await host.CountedAsync());
    }

    [Fact]
    public async Task A_typed_failure_saying_funds_may_have_moved_keeps_the_amount_counted()
    {
        var wallet = new RailWallet("stripe")
        {
            Create = (_, _) => throw new PaymentMethodException(MppErrorCode.CredentialCreationFailed, "the provider timed out after confirming", fundsMayHaveMoved: true),
        };
        await using var host = RailHost.Create(wallet);

        using var response = await host.Http.GetAsync(_server.Url("/card"));

        var outcome = response.GetPaymentOutcome()!;
        Assert.Equal(PaymentStatus.Unknown, outcome.Status);
        Assert.Equal(MppErrorCode.PaymentOutcomeUnknown, outcome.Code);
        Assert.True(outcome.MethodError!.FundsMayHaveMoved);
        Assert.Equal(0.25m, await host.CountedAsync());
        var pending = Assert.Single(await host.Reconciliation.ListPendingAsync());
        Assert.Equal(LedgerEntryState.Unknown, pending.State);
        Assert.Null(pending.WalletReference);
    }

    [Fact]
    public async Task The_idempotency_key_is_the_same_for_a_retried_challenge_and_differs_across_challenges()
    {
        // A Stripe-like wallet passes the key to its provider: the caller's retry of the same challenge must reuse it.
        var failFirst = 1;
        var wallet = new RailWallet("stripe")
        {
            Create = (attempt, _) => Interlocked.Exchange(ref failFirst, 0) == 1
                ? throw new PaymentMethodException(MppErrorCode.CredentialCreationFailed, "rate limited")
                : ValueTask.FromResult(RailWallet.Payload(attempt)),
        };
        await using var host = RailHost.Create(wallet);
        var context = new PaymentContext(_server.Url("/card"));
        var challenges = ChallengeParser.Parse(string.Join(", ", (await _server.IssueChallengesAsync("/card")).Select(c => c.ToHeaderValue())));
        var exchange = new VerifyingExchange(_server, "/card");

        var first = await host.Coordinator.PayAsync(context, challenges, exchange, CancellationToken.None);
        var retried = await host.Coordinator.PayAsync(context, challenges, exchange, CancellationToken.None);
        using var other = await host.Http.GetAsync(_server.Url("/card"));

        Assert.Equal(PaymentStatus.Refused, first.Status);
        Assert.Equal(PaymentStatus.Paid, retried.Status);
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
        var keys = wallet.Attempts.Select(a => a.IdempotencyKey).ToArray();
        Assert.Equal(3, keys.Length);
        Assert.All(keys, k => Assert.False(string.IsNullOrEmpty(k)));
        Assert.Equal(keys[0], keys[1]); // the same challenge, two attempts
        Assert.NotEqual(keys[1], keys[2]); // another challenge
        Assert.NotEqual(wallet.Attempts[0].ReservationId, wallet.Attempts[1].ReservationId);
    }

    [Fact]
    public async Task The_idempotency_key_differs_for_challenges_of_two_payees_that_happen_to_share_an_id()
    {
        // Challenge ids are only unique per server: two payees (or a hostile one replaying another's id) must not make a
        // provider see one idempotency key for two different payments.
        var wallet = new RailWallet("stripe");
        await using var host = RailHost.Create(wallet);
        var request = RailWallet.Json("""{"amount":"25","currency":"usd","recipient":"acct_1"}""");
        var a = Challenge.Create("shared-id", "shop-a", "stripe", "charge", request);
        var b = Challenge.Create("shared-id", "shop-b", "stripe", "charge", RailWallet.Json("""{"amount":"2500","currency":"usd","recipient":"acct_2"}"""));
        var accept = new ScriptedExchange(_ => PaymentExchangeResult.Accepted(null));

        var paidA = await host.Coordinator.PayAsync(new PaymentContext(new Uri("https://shop-a.example/item")), ChallengeParser.Parse(a.ToHeaderValue()), accept, CancellationToken.None);
        var paidB = await host.Coordinator.PayAsync(new PaymentContext(new Uri("https://shop-b.example/item")), ChallengeParser.Parse(b.ToHeaderValue()), accept, CancellationToken.None);

        Assert.Equal(PaymentStatus.Paid, paidA.Status);
        Assert.Equal(PaymentStatus.Paid, paidB.Status);
        Assert.Equal(2, wallet.Attempts.Count);
        Assert.NotEqual(wallet.Attempts[0].IdempotencyKey, wallet.Attempts[1].IdempotencyKey);
    }

    [Fact]
    public async Task The_idempotency_key_stays_short_for_a_very_long_challenge_id()
    {
        // Providers bound their keys (Stripe: 255 characters); a server's challenge id is not bounded.
        var wallet = new RailWallet("stripe");
        await using var host = RailHost.Create(wallet);
        var challenge = Challenge.Create(new string('x', 2000), "shop", "stripe", "charge", RailWallet.Json("""{"amount":"25","currency":"usd"}"""));

        var outcome = await host.Coordinator.PayAsync(new PaymentContext(new Uri("https://shop.example/item")), ChallengeParser.Parse(challenge.ToHeaderValue()),
            new ScriptedExchange(_ => PaymentExchangeResult.Accepted(null)), CancellationToken.None);

        Assert.Equal(PaymentStatus.Paid, outcome.Status);
        Assert.InRange(wallet.Attempts.Single().IdempotencyKey.Length, 8, 255);
    }
}
