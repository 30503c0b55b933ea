using Microsoft.Extensions.Options;

namespace Mpp.Client.Policy;

/// <summary>Validates <see cref="MppOptions"/> as a whole and reports every problem at once (amounts, units, patterns, bounds).</summary>
internal sealed class MppOptionsValidator : IValidateOptions<MppOptions>
{
    public ValidateOptionsResult Validate(string? name, MppOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        PolicySnapshot.Compile(options, out var errors);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
