using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Mpp.Client.Policy;

/// <summary>Runs <see cref="MppStartupCheck"/> when the host starts; its <see cref="OptionsValidationException"/> lists every problem.</summary>
internal sealed class MppStartupValidator(IServiceProvider services) : IValidateOptions<MppStartupValidation>
{
    public ValidateOptionsResult Validate(string? name, MppStartupValidation options)
    {
        _ = services.GetRequiredService<MppStartupCheck>(); // throws OptionsValidationException for MppOptions, every problem listed
        return ValidateOptionsResult.Success;
    }
}
