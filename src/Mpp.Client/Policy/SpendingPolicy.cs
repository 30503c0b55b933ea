using System.Globalization;
using System.Numerics;
using Microsoft.Extensions.Options;
using Mpp.Client.Http;
using Mpp.Client.Ledger;
using Mpp.Client.Methods;
using Mpp.Client.Payments;
using Mpp.Client.Protocol;

namespace Mpp.Client.Policy;

/// <summary>
/// Checks quotes against the owner's configuration (allow-lists, per-request caps, known assets) and authorizes them by
/// reserving their amount in the <see cref="IPaymentLedger"/> against every rolling and lifetime cap, then asking the
/// approvers. The server is not trusted: amount, asset, recipient and host are checked before anything is signed.
/// </summary>
public sealed class SpendingPolicy
{
    private readonly OptionsInForce _options;
    private readonly ReservationIds _ids = new();
    private readonly IPaymentLedger _ledger;
    private readonly IPaymentApprover[] _approvers;

    /// <summary>Creates the policy.</summary>
    /// <param name="options">The shared configuration. It is validated now; a later value applies only when valid (else the last valid one stays in force).</param>
    /// <param name="ledger">Where amounts are counted.</param>
    /// <param name="approvers">Every approver must approve each payment.</param>
    /// <param name="clientBudgets">Per-client budgets, named by HTTP client (registered by <c>AddMppPayments(budget)</c> on a client builder).</param>
    /// <exception cref="OptionsValidationException">The current options are invalid (every problem is listed).</exception>
    public SpendingPolicy(IOptionsMonitor<MppOptions> options, IPaymentLedger ledger, IEnumerable<IPaymentApprover> approvers, IOptionsMonitor<BudgetOptions>? clientBudgets = null)
        : this(OptionsInForce.Watch(options, clientBudgets), ledger, approvers)
    {
    }

    /// <summary>Creates the policy over the options in force that DI shares with the payment flow.</summary>
    internal SpendingPolicy(OptionsInForce options, IPaymentLedger ledger, IEnumerable<IPaymentApprover> approvers)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(ledger);
        ArgumentNullException.ThrowIfNull(approvers);
        _options = options;
        _ledger = ledger;
        _approvers = approvers.ToArray();
    }

    /// <summary>The options in force, compiled.</summary>
    internal PolicySnapshot Snapshot => _options.Snapshot;

    /// <summary>
    /// Turns a challenge's terms into a quote and checks it against every rule that needs no ledger: allowed method,
    /// host, asset and every recipient; known asset (fee included, in the same unit); per-request caps (charges only);
    /// a cap existing for the unit.
    /// </summary>
    /// <param name="challenge">The challenge.</param>
    /// <param name="terms">Its terms, read by the payment method.</param>
    /// <param name="requestUri">The resource paid for.</param>
    /// <param name="clientBudget">The HTTP client whose own budget applies on top of the shared one, or null.</param>
    /// <param name="rejection">Why it cannot be paid (with the quote when the terms could be counted), or null.</param>
    /// <returns>The quote when every rule allows it; otherwise null.</returns>
    public PaymentQuote? TryQuote(Challenge challenge, PaymentTerms terms, Uri requestUri, string? clientBudget, out ChallengeRejection? rejection)
    {
        ArgumentNullException.ThrowIfNull(challenge);
        ArgumentNullException.ThrowIfNull(terms);
        ArgumentNullException.ThrowIfNull(requestUri);
        var s = Snapshot;
        rejection = null;
        ChallengeRejection Refuse(MppErrorCode code, string reason, PaymentQuote? quote = null) => ChallengeRejection.Of(challenge, code, reason, quote);

        if (!s.Assets.TryGet(terms.Currency, out var asset))
        {
            rejection = Refuse(MppErrorCode.PolicyRefused, $"Asset '{terms.Currency}' is unknown; configure its decimals under Mpp:Assets to pay it.");
            return null;
        }

        if (!TryToDisplay(terms.Amount, asset.Decimals, out var display))
        {
            rejection = Refuse(MppErrorCode.PolicyRefused, $"Amount {terms.Amount} (base units of {asset.Key}) is too large to count.");
            return null;
        }

        var displayFee = 0m;
        if (terms.Fee is { } fee)
        {
            if (!s.Assets.TryGet(fee.Currency, out var feeAsset) || feeAsset.Unit != asset.Unit)
            {
                rejection = Refuse(MppErrorCode.PolicyRefused, $"The fee asset '{fee.Currency}' does not count in {asset.Unit}, the unit of the amount.");
                return null;
            }

            if (!TryToDisplay(fee.MaxAmount, feeAsset.Decimals, out displayFee))
            {
                rejection = Refuse(MppErrorCode.PolicyRefused, $"The fee {fee.MaxAmount} (base units of {feeAsset.Key}) is too large to count.");
                return null;
            }
        }

        var quote = new PaymentQuote(challenge, terms, requestUri, asset, display, displayFee);
        if (!s.MethodAllowed(challenge.Method, challenge.Intent))
        {
            rejection = Refuse(MppErrorCode.PolicyRefused, $"Method {challenge.Method}/{challenge.Intent} is not in AllowedMethods.", quote);
            return null;
        }

        var host = quote.Host;
        if (!s.HostAllowed(host))
        {
            rejection = Refuse(MppErrorCode.PolicyRefused, $"Host {host} is not in AllowedHosts.", quote);
            return null;
        }

        if (s.AllowedAssets.Count > 0 && !s.AllowedAssets.Contains(asset.Key))
        {
            rejection = Refuse(MppErrorCode.PolicyRefused, $"Asset '{asset.Key}' is not in AllowedAssets.", quote);
            return null;
        }

        if (s.AllowedRecipients.Count > 0)
        {
            var recipients = terms.Recipients;
            if (recipients.Count == 0)
            {
                rejection = Refuse(MppErrorCode.PolicyRefused, "The request names no recipient, and AllowedRecipients is set.", quote);
                return null;
            }

            foreach (var r in recipients)
            {
                if (!s.AllowedRecipients.Contains(r))
                {
                    rejection = Refuse(MppErrorCode.PolicyRefused, $"Recipient '{r}' is not in AllowedRecipients.", quote);
                    return null;
                }
            }

            // The primary recipient is a payee even when a method's terms list only the split recipients.
            if (terms.Recipient is { } primary && !s.AllowedRecipients.Contains(primary))
            {
                rejection = Refuse(MppErrorCode.PolicyRefused, $"Recipient '{primary}' is not in AllowedRecipients.", quote);
                return null;
            }
        }

        var total = quote.DisplayTotal;
        if (terms.Kind == PaymentKind.Charge)
        {
            if (s.ExceededPerRequestCap(host, asset.Unit, total) is { } exceeded)
            {
                rejection = Refuse(MppErrorCode.BudgetExceeded, string.Create(CultureInfo.InvariantCulture, $"{total} {asset.Unit} exceeds the {exceeded.Name} cap of {exceeded.Cap} {asset.Unit}."), quote);
                return null;
            }
        }

        var client = GetClientBudget(clientBudget, s);
        if (client is not null && terms.Kind == PaymentKind.Charge)
        {
            foreach (var (name, unit, cap) in client.PerRequest)
            {
                if (unit == asset.Unit && total > cap)
                {
                    rejection = Refuse(MppErrorCode.BudgetExceeded, string.Create(CultureInfo.InvariantCulture, $"{total} {asset.Unit} exceeds the {name} cap of {cap} {asset.Unit}."), quote);
                    return null;
                }
            }
        }

        // Per-request caps do not apply to a deposit, so they do not bound it: only a rolling or lifetime cap does.
        var perRequestBounds = terms.Kind == PaymentKind.Charge;
        if (!s.AllowUncappedUnits && !s.HasCap(host, asset.Unit, perRequestBounds) && client?.HasCap(asset.Unit, perRequestBounds) != true)
        {
            rejection = Refuse(MppErrorCode.PolicyRefused, perRequestBounds
                ? $"No budget cap is configured for unit '{asset.Unit}' (set Mpp:Budget, or AllowUncappedUnits)."
                : $"No rolling or lifetime budget cap is configured for unit '{asset.Unit}', and per-request caps do not bound a deposit (set Mpp:Budget, or AllowUncappedUnits).", quote);
            return null;
        }

        return quote;
    }

    /// <summary>
    /// Checks the quote's total against every rolling and lifetime cap without reserving anything (for quotes and
    /// dry runs; a payment reserves atomically in <see cref="AuthorizeAsync"/>).
    /// </summary>
    /// <returns>The refusal naming the cap, or null when every cap has room now.</returns>
    public async ValueTask<ChallengeRejection?> CheckBudgetAsync(PaymentQuote quote, string? clientBudget, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(quote);
        if (quote.Terms.DepositEntryId is not null)
        {
            return null; // already counted under its deposit
        }

        foreach (var limit in LimitsFor(quote, clientBudget))
        {
            if (limit.Unit != quote.Unit)
            {
                continue;
            }

            var spent = await _ledger.GetSpentAsync(limit.Unit, limit.Scope, limit.Window, cancellationToken).ConfigureAwait(false);
            if (spent + quote.DisplayTotal > limit.Cap)
            {
                return CapRefusal(quote, limit, spent);
            }
        }

        return null;
    }

    /// <summary>
    /// Reserves the quote's total (amount and fee) against every cap under a new ledger id, then asks the approvers;
    /// releases the reservation when one denies or fails.
    /// </summary>
    public async ValueTask<PaymentAuthorization> AuthorizeAsync(PaymentQuote quote, string? clientBudget, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(quote);
        var charge = new LedgerCharge(quote.Unit, quote.DisplayTotal, quote.Host)
        {
            Id = _ids.Next(),
            Description = $"{quote.Method}/{quote.Intent} {quote.Origin}",
            Method = quote.Method,
            Intent = quote.Intent,
            ChallengeId = quote.Challenge.Id,
            Kind = quote.Kind,
            ParentId = quote.Terms.DepositEntryId,
        };
        var withinDeposit = quote.Terms.DepositEntryId is not null;
        // Paid from a deposit already counted (and approved): reserved without rolling or lifetime caps, approvers not asked.
        var reservation = await _ledger.ReserveAsync(charge, withinDeposit ? [] : LimitsFor(quote, clientBudget), cancellationToken).ConfigureAwait(false);
        if (!reservation.Succeeded)
        {
            var refusal = CapRefusal(quote, reservation.RefusedBy!, reservation.SpentInWindow);
            return PaymentAuthorization.Refuse(refusal.Code, refusal.Reason);
        }

        if (withinDeposit)
        {
            return PaymentAuthorization.Approve(reservation.Id);
        }

        foreach (var approver in _approvers)
        {
            ApprovalDecision? decision;
            try
            {
                decision = await ExtensionCall.WaitAsync(approver.ApproveAsync(quote, cancellationToken), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                await _ledger.CompleteAsync(reservation.Id, LedgerOutcome.Released, null, null, CancellationToken.None).ConfigureAwait(false);
                if (ex is OperationCanceledException && cancellationToken.IsCancellationRequested)
                {
                    throw;
                }

                return PaymentAuthorization.Refuse(MppErrorCode.ExtensionFailed, $"The approver {approver.GetType().Name} failed ({ex.GetType().Name}); nothing was paid.");
            }

            if (decision is not { IsApproved: true })
            {
                await _ledger.CompleteAsync(reservation.Id, LedgerOutcome.Released, null, null, CancellationToken.None).ConfigureAwait(false);
                return PaymentAuthorization.Refuse(MppErrorCode.ApprovalDenied, $"The approver {approver.GetType().Name} denied the payment: {decision?.Reason ?? "no decision"}.");
            }
        }

        return PaymentAuthorization.Approve(reservation.Id);
    }

    private IReadOnlyList<SpendingLimit> LimitsFor(PaymentQuote quote, string? clientBudget)
    {
        var s = Snapshot;
        IReadOnlyList<SpendingLimit> limits = s.LimitsFor(quote.Host);
        if (GetClientBudget(clientBudget, s) is { Limits.Count: > 0 } client)
        {
            limits = [.. limits, .. client.Limits];
        }

        return limits;
    }

    private static ChallengeRejection CapRefusal(PaymentQuote quote, SpendingLimit limit, decimal spent) =>
        ChallengeRejection.Of(quote, MppErrorCode.BudgetExceeded, string.Create(CultureInfo.InvariantCulture, $"{quote.DisplayTotal} {quote.Unit} would exceed the {limit.Name} cap of {limit.Cap} {limit.Unit} ({spent} already counted)."));

    /// <summary>Every configured rolling and lifetime cap that applies to <paramref name="host"/> (all when null), with what is spent.</summary>
    public async ValueTask<IReadOnlyList<BudgetStatus>> GetBudgetAsync(string? host = null, CancellationToken cancellationToken = default)
    {
        var s = Snapshot;
        var limits = host is null ? s.AllLimits : s.LimitsFor(host.ToLowerInvariant());
        var result = new List<BudgetStatus>(limits.Count);
        foreach (var l in limits)
        {
            var usage = await _ledger.GetUsageAsync(l.Unit, l.Scope, l.Window, cancellationToken).ConfigureAwait(false);
            result.Add(new BudgetStatus(l.Name, l.Unit, l.Cap, usage.Total, l.Window, l.Scope) { Locked = usage.Locked });
        }

        return result;
    }

    /// <summary>The caps of a client budget (<c>AddMppPayments(budget)</c> on that client), with what is spent.</summary>
    public async ValueTask<IReadOnlyList<BudgetStatus>> GetClientBudgetAsync(string clientName, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(clientName);
        var result = new List<BudgetStatus>();
        if (GetClientBudget(clientName, Snapshot) is { } client)
        {
            foreach (var l in client.Limits)
            {
                var usage = await _ledger.GetUsageAsync(l.Unit, l.Scope, l.Window, cancellationToken).ConfigureAwait(false);
                result.Add(new BudgetStatus(l.Name, l.Unit, l.Cap, usage.Total, l.Window, l.Scope) { Locked = usage.Locked });
            }
        }

        return result;
    }

    private ClientBudget? GetClientBudget(string? clientName, PolicySnapshot snapshot) =>
        clientName is null ? null : _options.GetClientBudget(clientName, snapshot);

    /// <summary>Converts base units to the unit's decimal amount exactly; false when it does not fit a <see cref="decimal"/>.</summary>
    internal static bool TryToDisplay(BigInteger amount, int decimals, out decimal display)
    {
        display = 0;
        if (amount.Sign < 0 || decimals is < 0 or > 28 || amount > new BigInteger(decimal.MaxValue))
        {
            return false;
        }

        var bits = decimal.GetBits((decimal)amount);
        display = new decimal(bits[0], bits[1], bits[2], false, (byte)decimals);
        return true;
    }
}
