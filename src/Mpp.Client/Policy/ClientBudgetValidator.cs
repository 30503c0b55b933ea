using Microsoft.Extensions.Options;

namespace Mpp.Client.Policy;

/// <summary>Validates a client budget (named <see cref="BudgetOptions"/>) against the shared options' known units, all errors at once.</summary>
internal sealed class ClientBudgetValidator(IOptionsMonitor<MppOptions> options) : IValidateOptions<BudgetOptions>
{
    public ValidateOptionsResult Validate(string? name, BudgetOptions budget)
    {
        ArgumentNullException.ThrowIfNull(budget);
        var errors = new List<string>();
        ClientBudget.Compile(name ?? string.Empty, budget, PolicySnapshot.Compile(options.CurrentValue, out _), errors);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
