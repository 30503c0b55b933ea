using Mpp.Client.Http;
using Mpp.Client.Methods;

namespace Mpp.Client.Payments;

/// <summary>
/// Every challenge of a 402 evaluated without paying: the payable ones as quotes (in the order they would be tried) and
/// the others with a code and a reason (budget windows included, checked without reserving anything).
/// </summary>
public sealed class PaymentSelection
{
    internal PaymentSelection(IReadOnlyList<PaymentQuote> payable, IReadOnlyList<ChallengeRejection> rejections)
    {
        Payable = payable;
        Rejections = rejections;
    }

    /// <summary>The quotes that could be paid now, best first.</summary>
    public IReadOnlyList<PaymentQuote> Payable { get; }

    /// <summary>The challenges that could not, with why.</summary>
    public IReadOnlyList<ChallengeRejection> Rejections { get; }

    /// <summary>The quote that would be paid, or null.</summary>
    public PaymentQuote? Best => Payable.Count > 0 ? Payable[0] : null;
}
