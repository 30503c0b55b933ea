using System.Numerics;
using Microsoft.Extensions.Options;
using Mpp.Client.Ledger;
using Mpp.Client.Methods;
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
    /// host, asset and recipient; known asset; per-request caps; a cap existing for the unit.
    /// </summary>
    /// <returns>The quote, or null with <paramref name="refusal"/> set.</returns>
    public PaymentQuote? TryQuote(Challenge challenge, PaymentTerms terms, Uri requestUri, out string? refusal) =>
        TryQuote(challenge, terms, requestUri, null, out refusal);

    /// <summary>
    /// As <see cref="TryQuote(Challenge, PaymentTerms, Uri, out string?)"/>, with the per-request caps of a client budget
    /// (<paramref name="clientBudget"/>: the HTTP client's name) applied on top of the shared ones.
    /// </summary>
    public PaymentQuote? TryQuote(Challenge challenge, PaymentTerms terms, Uri requestUri, string? clientBudget, out string? refusal)
    {
        ArgumentNullException.ThrowIfNull(challenge);
        ArgumentNullException.ThrowIfNull(terms);
        ArgumentNullException.ThrowIfNull(requestUri);
        var s = Snapshot;
        refusal = null;
        if (!s.MethodAllowed(challenge.Method, challenge.Intent))
        {
            refusal = $"Method {challenge.Method}/{challenge.Intent} is not in AllowedMethods.";
            return null;
        }

        var host = requestUri.IdnHost.ToLowerInvariant();
        if (!s.HostAllowed(host))
        {
            refusal = $"Host {host} is not in AllowedHosts.";
            return null;
        }

        if (!s.Assets.TryGet(terms.Currency, out var asset))
        {
            refusal = $"Asset '{terms.Currency}' is unknown; configure its decimals under Mpp:Assets to pay it.";
            return null;
        }

        if (s.AllowedAssets.Count > 0 && !s.AllowedAssets.Contains(asset.Key))
        {
            refusal = $"Asset '{asset.Key}' is not in AllowedAssets.";
            return null;
        }

        if (s.AllowedRecipients.Count > 0 && (terms.Recipient is null || !s.AllowedRecipients.Contains(terms.Recipient)))
        {
            refusal = $"Recipient '{terms.Recipient ?? "(none)"}' is not in AllowedRecipients.";
            return null;
        }

        if (!TryToDisplay(terms.Amount, asset.Decimals, out var display))
        {
            refusal = $"Amount {terms.Amount} {asset.Key} is too large to count.";
            return null;
        }

        if (s.ExceededPerRequestCap(host, asset.Unit, display) is { } exceeded)
        {
            refusal = $"{display} {asset.Unit} exceeds the {exceeded.Name} cap of {exceeded.Cap} {asset.Unit}.";
            return null;
        }

        var client = GetClientBudget(clientBudget, s);
        if (client is not null)
        {
            foreach (var (name, unit, cap) in client.PerRequest)
            {
                if (unit == asset.Unit && display > cap)
                {
                    refusal = $"{display} {asset.Unit} exceeds the {name} cap of {cap} {asset.Unit}.";
                    return null;
                }
            }
        }

        if (!s.AllowUncappedUnits && !s.HasCap(host, asset.Unit) && client?.HasCap(asset.Unit) != true)
        {
            refusal = $"No budget cap is configured for unit '{asset.Unit}' (set Mpp:Budget, or AllowUncappedUnits).";
            return null;
        }

        return new PaymentQuote(challenge, terms, requestUri, asset, display);
    }

    /// <summary>Reserves the quote's amount against every cap, then asks the approvers; releases the reservation when one refuses.</summary>
    public ValueTask<PaymentAuthorization> AuthorizeAsync(PaymentQuote quote, CancellationToken cancellationToken) =>
        AuthorizeAsync(quote, null, cancellationToken);

    /// <summary>As <see cref="AuthorizeAsync(PaymentQuote, CancellationToken)"/>, counting the payment against a client budget too.</summary>
    public async ValueTask<PaymentAuthorization> AuthorizeAsync(PaymentQuote quote, string? clientBudget, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(quote);
        var s = Snapshot;
        IReadOnlyList<SpendingLimit> limits = s.LimitsFor(quote.Host);
        if (GetClientBudget(clientBudget, s) is { Limits.Count: > 0 } client)
        {
            limits = [.. limits, .. client.Limits];
        }

        var reservation = await _ledger.ReserveAsync(
            new LedgerCharge(quote.Unit, quote.DisplayAmount, quote.Host, $"{quote.Method}/{quote.Intent} {quote.Origin}"),
            limits,
            cancellationToken).ConfigureAwait(false);
        if (!reservation.Succeeded)
        {
            var limit = reservation.RefusedBy!;
            return PaymentAuthorization.Refuse(
                MppErrorCode.PolicyRefused,
                $"{quote.DisplayAmount} {quote.Unit} would exceed the {limit.Name} cap of {limit.Cap} {limit.Unit} ({reservation.SpentInWindow} already counted).");
        }

        foreach (var approver in _approvers)
        {
            bool approved;
            try
            {
                approved = await approver.ApproveAsync(quote, cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                await _ledger.CompleteAsync(reservation.Id, LedgerOutcome.Released, null, CancellationToken.None).ConfigureAwait(false);
                throw;
            }

            if (!approved)
            {
                await _ledger.CompleteAsync(reservation.Id, LedgerOutcome.Released, null, CancellationToken.None).ConfigureAwait(false);
                return PaymentAuthorization.Refuse(MppErrorCode.ApprovalDenied, $"The approver {approver.GetType().Name} refused the payment.");
            }
        }

        return PaymentAuthorization.Approve(reservation.Id);
    }

    /// <summary>Every configured rolling and lifetime cap that applies to <paramref name="host"/> (all when null), with what is spent.</summary>
    public async ValueTask<IReadOnlyList<BudgetStatus>> GetBudgetAsync(string? host = null, CancellationToken cancellationToken = default)
    {
        var s = Snapshot;
        var limits = host is null ? s.AllLimits : s.LimitsFor(host.ToLowerInvariant());
        var result = new List<BudgetStatus>(limits.Count);
        foreach (var l in limits)
        {
            var spent = await _ledger.GetSpentAsync(l.Unit, l.Scope, l.Window, cancellationToken).ConfigureAwait(false);
            result.Add(new BudgetStatus(l.Name, l.Unit, l.Cap, spent, l.Window, l.Scope));
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
                var spent = await _ledger.GetSpentAsync(l.Unit, l.Scope, l.Window, cancellationToken).ConfigureAwait(false);
                result.Add(new BudgetStatus(l.Name, l.Unit, l.Cap, spent, l.Window, l.Scope));
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
