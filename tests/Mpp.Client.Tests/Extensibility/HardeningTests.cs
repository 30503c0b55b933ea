using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Time.Testing;
using Mpp.Client.Http;
using Mpp.Client.Ledger;
using Mpp.Client.Methods;
using Mpp.Client.Policy;
using Mpp.Client.Protocol;
using Mpp.Client.Testing;

namespace Mpp.Client.Tests.Extensibility;

/// <summary>
/// Extensions that misbehave (a wallet that hangs or returns garbage, an approver or a term reader that throws) and
/// servers that do: each ends in a typed outcome, in bounded time, with the reservation settled correctly and no secret
/// in any text.
/// </summary>
public sealed partial class HardeningTests : IAsyncLifetime
{
    private const string Secret = "sk_live_51H-very-secret-wallet-key";
    private MppTestServer _server = null!;

    public async Task InitializeAsync()
    {
        _server = await RailServer.StartAsync("tempo");
        _server.MapPaid("/paid", new PriceOption("5") { Method = "tempo" });
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    /// <summary>A wallet that ignores its cancellation token and never finishes (until <paramref name="release"/> completes).</summary>
    private static RailWallet HangingWallet(TaskCompletionSource entered, Task release, Func<PaymentAttempt, Task>? afterRelease = null) => new("tempo")
    {
        Create = async (attempt, _) =>
        {
            entered.TrySetResult();
            await release; // deliberately not the token
            if (afterRelease is not null)
            {
                await afterRelease(attempt);
            }

            return RailWallet.Payload(attempt);
        },
    };

    [Fact]
    public async Task A_wallet_that_ignores_its_token_is_cut_off_by_CredentialTimeout_on_the_flow_clock()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var never = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var wallet = HangingWallet(entered, never.Task);
        await using var host = RailHost.Create(wallet, o => o.CredentialTimeout = TimeSpan.FromSeconds(1), time: time);

        var call = host.Http.GetAsync(_server.Url("/paid"));
        await entered.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await Task.Delay(100);
        Assert.False(call.IsCompleted); // the flow waits on its own clock, not on the wall clock
        var lockedMeanwhile = await host.UsageAsync();
        time.Advance(TimeSpan.FromSeconds(1));
        using var response = await call.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(new LedgerUsage(0.05m, 0m), lockedMeanwhile);
        Assert.Equal(HttpStatusCode.PaymentRequired, response.StatusCode);
        var outcome = response.GetPaymentOutcome()!;
        Assert.Equal(PaymentStatus.Refused, outcome.Status);
        Assert.Equal(MppErrorCode.CredentialTimeout, outcome.Code);
        Assert.Contains("00:00:01", outcome.Reason, StringComparison.Ordinal);
        Assert.Equal(0m, await host.CountedAsync());
        Assert.Equal(LedgerEntryState.Released, Assert.Single(await host.EntriesAsync()).State);
        Assert.Single(_server.Requests); // nothing sent
    }

    [Fact]
    public async Task A_hanging_wallet_on_the_real_clock_returns_within_bounded_time()
    {
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var never = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var host = RailHost.Create(HangingWallet(entered, never.Task), o => o.CredentialTimeout = TimeSpan.FromSeconds(1));
        var clock = Stopwatch.StartNew();

        using var response = await host.Http.GetAsync(_server.Url("/paid")).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(20));
        Assert.Equal(MppErrorCode.CredentialTimeout, response.GetPaymentOutcome()!.Code);
        Assert.Equal(0m, await host.CountedAsync());
    }

    [Fact]
    public async Task A_wallet_that_marked_funds_moving_and_then_hangs_times_out_as_unknown_and_stays_counted()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var never = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var moving = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var wallet = new RailWallet("tempo")
        {
            Create = async (attempt, ct) =>
            {
                await attempt.MarkFundsMovingAsync("0xslow", ct);
                moving.TrySetResult();
                await never.Task; // waits for a confirmation that never comes, ignoring the token
                return RailWallet.Payload(attempt);
            },
        };
        await using var host = RailHost.Create(wallet, o => o.CredentialTimeout = TimeSpan.FromSeconds(1), time: time);

        var call = host.Http.GetAsync(_server.Url("/paid"));
        await moving.Task.WaitAsync(TimeSpan.FromSeconds(10));
        time.Advance(TimeSpan.FromSeconds(1));
        using var response = await call.WaitAsync(TimeSpan.FromSeconds(10));

        var outcome = response.GetPaymentOutcome()!;
        Assert.Equal(PaymentStatus.Unknown, outcome.Status);
        Assert.Equal(MppErrorCode.PaymentOutcomeUnknown, outcome.Code);
        Assert.Equal(0.05m, await host.CountedAsync());
        Assert.Equal("0xslow", Assert.Single(await host.Reconciliation.ListPendingAsync()).WalletReference);
    }

    [Fact]
    public async Task A_wallet_that_starts_moving_funds_after_it_was_timed_out_is_stopped_or_counted()
    {
        // The wallet ignored its token, was given up on and its reservation released; later it tries to broadcast. Either
        // the attempt refuses (so it never broadcasts), or the money it moves is counted again: never uncounted money.
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var late = new TaskCompletionSource<Exception?>(TaskCreationOptions.RunContinuationsAsynchronously);
        var wallet = HangingWallet(entered, release.Task, async attempt =>
        {
            try
            {
                await attempt.MarkFundsMovingAsync("0xlate", CancellationToken.None);
                late.TrySetResult(null);
            }
            catch (Exception ex)
            {
                late.TrySetResult(ex);
                throw;
            }
        });
        await using var host = RailHost.Create(wallet, o => o.CredentialTimeout = TimeSpan.FromSeconds(1), time: time);

        var call = host.Http.GetAsync(_server.Url("/paid"));
        await entered.Task.WaitAsync(TimeSpan.FromSeconds(10));
        time.Advance(TimeSpan.FromSeconds(1));
        using var response = await call.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(MppErrorCode.CredentialTimeout, response.GetPaymentOutcome()!.Code);
        release.TrySetResult();
        var refusal = await late.Task.WaitAsync(TimeSpan.FromSeconds(10));

        var counted = await host.CountedAsync();
        Assert.True(refusal is not null || counted == 0.05m,
            $"The late MarkFundsMovingAsync succeeded and the ledger counts {counted} usd: funds moved with nothing counted.");
    }

    [Fact]
    public async Task A_term_reader_that_ignores_its_token_does_not_outlive_the_callers_cancellation()
    {
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var never = new TaskCompletionSource<PaymentTerms>(TaskCreationOptions.RunContinuationsAsynchronously);
        var wallet = new RailWallet("tempo")
        {
            TermsAsync = (_, _) =>
            {
                entered.TrySetResult();
                return new ValueTask<PaymentTerms>(never.Task); // a node call without the token
            },
        };
        await using var host = RailHost.Create(wallet);
        using var cts = new CancellationTokenSource();

        var call = host.Http.GetAsync(_server.Url("/paid"), cts.Token);
        await entered.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Empty(wallet.Attempts);
        Assert.Empty(await host.EntriesAsync());
    }

    [Fact]
    public async Task An_approver_that_ignores_its_token_does_not_outlive_the_callers_cancellation_nor_keep_the_reservation()
    {
        var approver = new HangingApprover();
        var wallet = new RailWallet("tempo");
        await using var host = RailHost.Create(wallet, build: b => b.AddApprover(approver));
        using var cts = new CancellationTokenSource();

        var call = host.Http.GetAsync(_server.Url("/paid"), cts.Token);
        await approver.Entered.Task.WaitAsync(TimeSpan.FromSeconds(10));
        var lockedMeanwhile = await host.UsageAsync();
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(new LedgerUsage(0.05m, 0m), lockedMeanwhile); // the approver runs with the amount reserved
        Assert.Empty(wallet.Attempts);
        Assert.Equal(0m, await host.CountedAsync());
        Assert.Equal(LedgerEntryState.Released, Assert.Single(await host.EntriesAsync()).State);
    }

    [Fact]
    public async Task An_approver_that_throws_is_an_extension_failure_naming_it_and_nothing_stays_reserved()
    {
        var wallet = new RailWallet("tempo");
        await using var host = RailHost.Create(wallet, build: b => b.AddApprover(new ThrowingApprover()));

        using var response = await host.Http.GetAsync(_server.Url("/paid"));

        var outcome = response.GetPaymentOutcome()!;
        Assert.Equal(PaymentStatus.Refused, outcome.Status);
        Assert.Equal(MppErrorCode.ExtensionFailed, outcome.Code);
        Assert.Contains(nameof(ThrowingApprover), outcome.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, outcome.Reason, StringComparison.Ordinal);
        Assert.Empty(wallet.Attempts);
        Assert.Equal(0m, await host.CountedAsync());
        Assert.Equal(LedgerEntryState.Released, Assert.Single(await host.EntriesAsync()).State);
        Assert.DoesNotContain(host.LogLines(), l => l.Contains(Secret, StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_approver_that_denies_carries_its_reason_into_the_outcome()
    {
        var wallet = new RailWallet("tempo");
        await using var host = RailHost.Create(wallet, build: b => b.AddApprover(new DenyingApprover("needs a human above 0.01 usd")));

        using var response = await host.Http.GetAsync(_server.Url("/paid"));

        var outcome = response.GetPaymentOutcome()!;
        Assert.Equal(MppErrorCode.ApprovalDenied, outcome.Code);
        Assert.Contains("needs a human above 0.01 usd", outcome.Reason, StringComparison.Ordinal);
        Assert.Contains(nameof(DenyingApprover), outcome.Reason, StringComparison.Ordinal);
        Assert.Empty(wallet.Attempts);
        Assert.Equal(0m, await host.CountedAsync());
    }

    [Fact]
    public async Task ReadTerms_throwing_an_unexpected_exception_is_an_extension_failure_naming_the_method_type()
    {
        var wallet = new RailWallet("tempo") { Terms = _ => throw new KeyNotFoundException("no fee quote for " + Secret) };
        await using var host = RailHost.Create(wallet);

        using var response = await host.Http.GetAsync(_server.Url("/paid"));

        var outcome = response.GetPaymentOutcome()!;
        Assert.Equal(PaymentStatus.Refused, outcome.Status);
        Assert.Equal(MppErrorCode.ExtensionFailed, outcome.Code);
        Assert.Contains(nameof(RailWallet), outcome.Reason, StringComparison.Ordinal);
        Assert.Contains(nameof(KeyNotFoundException), outcome.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, outcome.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain(host.LogLines(), l => l.Contains(Secret, StringComparison.Ordinal));
        Assert.Empty(wallet.Attempts);
        Assert.Empty(await host.EntriesAsync());
    }

    [Fact]
    public async Task ReadTerms_returning_null_is_an_extension_failure()
    {
        var wallet = new RailWallet("tempo") { Terms = _ => null! };
        await using var host = RailHost.Create(wallet);

        using var response = await host.Http.GetAsync(_server.Url("/paid"));

        var outcome = response.GetPaymentOutcome()!;
        Assert.Equal(MppErrorCode.ExtensionFailed, outcome.Code);
        Assert.Contains("returned no terms", outcome.Reason, StringComparison.Ordinal);
        Assert.Empty(wallet.Attempts);
    }

    [Theory]
    [InlineData("[1,2,3]")]
    [InlineData("\"token\"")]
    [InlineData("null")]
    [InlineData("42")]
    public async Task A_payload_that_is_not_a_JSON_object_is_a_creation_failure_and_released(string json)
    {
        var wallet = new RailWallet("tempo") { Create = (_, _) => ValueTask.FromResult(new PaymentPayload(RailWallet.Json(json))) };
        await using var host = RailHost.Create(wallet);

        using var response = await host.Http.GetAsync(_server.Url("/paid"));

        var outcome = response.GetPaymentOutcome()!;
        Assert.Equal(PaymentStatus.Refused, outcome.Status);
        Assert.Equal(MppErrorCode.CredentialCreationFailed, outcome.Code);
        Assert.Contains("not a JSON object", outcome.Reason, StringComparison.Ordinal);
        Assert.Equal(0m, await host.CountedAsync());
        Assert.Single(_server.Requests);
    }

    [Fact]
    public async Task A_null_payload_or_a_source_that_is_neither_string_nor_object_is_a_creation_failure()
    {
        var calls = 0;
        var wallet = new RailWallet("tempo")
        {
            Create = (_, _) => ValueTask.FromResult(Interlocked.Increment(ref calls) == 1
                ? null!
                : new PaymentPayload(RailWallet.Json("""{"token":"x"}"""), RailWallet.Json("[1]"))),
        };
        await using var host = RailHost.Create(wallet);

        using var first = await host.Http.GetAsync(_server.Url("/paid"));
        using var second = await host.Http.GetAsync(_server.Url("/paid"));

        Assert.Equal(MppErrorCode.CredentialCreationFailed, first.GetPaymentOutcome()!.Code);
        Assert.Equal(MppErrorCode.CredentialCreationFailed, second.GetPaymentOutcome()!.Code);
        Assert.Contains("source", second.GetPaymentOutcome()!.Reason, StringComparison.Ordinal);
        Assert.Equal(0m, await host.CountedAsync());
    }

    [Fact]
    public async Task Disabled_mode_returns_the_402_untouched_with_no_outcome()
    {
        var wallet = new RailWallet("tempo");
        await using var host = RailHost.Create(wallet);
        using var request = new HttpRequestMessage(HttpMethod.Get, _server.Url("/paid")).SetPaymentMode(PaymentMode.Disabled);

        using var response = await host.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.PaymentRequired, response.StatusCode);
        Assert.Null(response.GetPaymentOutcome());
        Assert.NotEmpty(ChallengeParser.Parse(response));
        Assert.Equal(0, wallet.TermsRead);
        Assert.Empty(await host.EntriesAsync());
    }

    [Fact]
    public async Task A_paid_response_with_a_garbage_receipt_is_paid_without_a_receipt_and_says_why()
    {
        var challenge = Challenge.Create("ch-garbage", "shop", "tempo", "charge", RailWallet.Json("""{"amount":"10","currency":"usd","recipient":"acct"}"""));
        _server.MapHandler("/garbage", async ctx =>
        {
            if (ctx.Request.Headers.Authorization.Count == 0)
            {
                ctx.Response.StatusCode = 402;
                ctx.Response.Headers.WWWAuthenticate = challenge.ToHeaderValue();
                return;
            }

            ctx.Response.Headers["Payment-Receipt"] = "!!!not-a-receipt!!!";
            await ctx.Response.WriteAsync("the resource");
        });
        await using var host = RailHost.Create(new RailWallet("tempo"));

        using var response = await host.Http.GetAsync(_server.Url("/garbage"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("the resource", await response.Content.ReadAsStringAsync());
        var outcome = response.GetPaymentOutcome()!;
        Assert.Equal(PaymentStatus.Paid, outcome.Status);
        Assert.Null(outcome.Receipt);
        Assert.Null(response.GetPaymentReceipt());
        Assert.False(string.IsNullOrWhiteSpace(outcome.ReceiptError));
        Assert.Equal(0.10m, await host.CountedAsync()); // paid: counted for good
        Assert.Equal(LedgerEntryState.Settled, Assert.Single(await host.EntriesAsync()).State);
        Assert.Contains(host.LogLines(), l => l.Contains("invalid Payment-Receipt", StringComparison.Ordinal));
    }

    [GeneratedRegex(@"(?<![\d.,])5 usd")]
    private static partial Regex BaseUnitsBesideUnit();

    [Fact]
    public async Task Outcome_and_quote_texts_never_print_base_units_beside_the_display_unit()
    {
        // 5 cents must read 0.05 usd everywhere, never "5 usd".
        var texts = new List<string>();
        void Collect(PaymentOutcome? outcome)
        {
            Assert.NotNull(outcome);
            texts.Add(outcome!.ToString());
            texts.Add(outcome.Reason ?? string.Empty);
            texts.Add(outcome.Quote?.ToString() ?? string.Empty);
            texts.AddRange(outcome.Rejections.Select(r => r.ToString()));
        }

        await using (var paid = RailHost.Create(new RailWallet("tempo")))
        {
            using var response = await paid.Http.GetAsync(_server.Url("/paid"));
            Collect(response.GetPaymentOutcome());
            using var quoteRequest = new HttpRequestMessage(HttpMethod.Get, _server.Url("/paid")).SetPaymentMode(PaymentMode.QuoteOnly);
            using var quote = await paid.Http.SendAsync(quoteRequest);
            Collect(quote.GetPaymentOutcome());
            texts.AddRange((await paid.EntriesAsync()).Select(e => e.ToString()));
        }

        await using (var capped = RailHost.Create(new RailWallet("tempo"), o => o.Budget.PerRequest["usd"] = "0.01"))
        {
            using var response = await capped.Http.GetAsync(_server.Url("/paid"));
            Collect(response.GetPaymentOutcome());
        }

        await using (var window = RailHost.Create(new RailWallet("tempo"), o => o.Budget.PerDay["usd"] = "0.04"))
        {
            using var response = await window.Http.GetAsync(_server.Url("/paid"));
            Collect(response.GetPaymentOutcome());
        }

        var moving = new RailWallet("tempo")
        {
            Create = async (attempt, ct) =>
            {
                await attempt.MarkFundsMovingAsync("0x5", ct);
                throw new PaymentMethodException(MppErrorCode.CredentialCreationFailed, "broadcast lost");
            },
        };
        await using (var unknown = RailHost.Create(moving, o => o.ThrowOnPaymentFailure = true))
        {
            var ex = await Assert.ThrowsAsync<PaymentException>(() => unknown.Http.GetAsync(_server.Url("/paid")));
            Collect(ex.Outcome);
            texts.Add(ex.Message);
            texts.AddRange(unknown.LogLines());
        }

        await using (var fee = RailHost.Create(new RailWallet("tempo") { Terms = c => RailWallet.ChargeTerms(c, new PaymentFee(5, "usd")) }))
        {
            _server.MapPaid("/dollar", new PriceOption("100") { Method = "tempo" });
            using var response = await fee.Http.GetAsync(_server.Url("/dollar"));
            Collect(response.GetPaymentOutcome());
            Assert.Contains("fee up to 0.05 usd", response.GetPaymentOutcome()!.Quote!.ToString(), StringComparison.Ordinal);
        }

        Assert.Contains(texts, t => t.Contains("0.05 usd", StringComparison.Ordinal));
        Assert.All(texts, t => Assert.False(BaseUnitsBesideUnit().IsMatch(t), t));
    }

    [Fact]
    public async Task Logs_and_texts_of_a_failed_wallet_never_contain_its_exception_message()
    {
        var wallet = new RailWallet("tempo") { Create = (_, _) => throw new InvalidOperationException("signing failed with key " + Secret) };
        await using var host = RailHost.Create(wallet, o => o.ThrowOnPaymentFailure = true);

        var ex = await Assert.ThrowsAsync<PaymentException>(() => host.Http.GetAsync(_server.Url("/paid")));

        Assert.Equal(MppErrorCode.CredentialCreationFailed, ex.Code);
        Assert.Contains(nameof(InvalidOperationException), ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, ex.Outcome!.ToString(), StringComparison.Ordinal);
        Assert.Null(ex.Outcome.MethodError);
        Assert.IsType<InvalidOperationException>(ex.InnerException); // the cause is kept for the caller, never copied into text
        var lines = host.LogLines();
        Assert.Contains(lines, l => l.Contains(nameof(RailWallet), StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Contains(Secret, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Logs_of_a_wallet_that_moved_funds_and_failed_never_contain_its_exception_message()
    {
        var wallet = new RailWallet("tempo")
        {
            Create = async (attempt, ct) =>
            {
                await attempt.MarkFundsMovingAsync("0xabc", ct);
                throw new HttpRequestException("POST https://rpc.example/?apikey=" + Secret + " failed");
            },
        };
        await using var host = RailHost.Create(wallet);

        using var response = await host.Http.GetAsync(_server.Url("/paid"));

        var outcome = response.GetPaymentOutcome()!;
        Assert.Equal(PaymentStatus.Unknown, outcome.Status);
        Assert.DoesNotContain(Secret, outcome.ToString(), StringComparison.Ordinal);
        var lines = host.LogLines();
        Assert.Contains(lines, l => l.Contains(nameof(HttpRequestException), StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Contains(Secret, StringComparison.Ordinal));
    }

    private sealed class ThrowingApprover : IPaymentApprover
    {
        public ValueTask<ApprovalDecision> ApproveAsync(PaymentQuote quote, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("approval service at https://admin:" + Secret + "@approvals.internal is down");
    }

    private sealed class HangingApprover : IPaymentApprover
    {
        private readonly TaskCompletionSource<ApprovalDecision> _never = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public ValueTask<ApprovalDecision> ApproveAsync(PaymentQuote quote, CancellationToken cancellationToken)
        {
            Entered.TrySetResult();
            return new ValueTask<ApprovalDecision>(_never.Task); // a human who never answers, and a hook that ignores the token
        }
    }

    private sealed class DenyingApprover(string reason) : IPaymentApprover
    {
        public ValueTask<ApprovalDecision> ApproveAsync(PaymentQuote quote, CancellationToken cancellationToken) => ValueTask.FromResult(ApprovalDecision.Deny(reason));
    }
}
