using System.Numerics;

namespace Mpp.Client.Tempo.Session;

/// <summary><see cref="TempoSessionOptions"/> checked and in base units.</summary>
internal sealed record TempoSessionSettings(BigInteger? Deposit, BigInteger MaxDeposit, BigInteger? TopUp, IReadOnlySet<string> AllowedEscrows, TimeSpan ReuseMargin)
{
    /// <summary>Gas added to the node's estimate of an open or top-up (<see cref="TempoOptions.GasMargin"/>).</summary>
    public ulong GasMargin { get; init; } = 5_000;

    /// <summary>How long an open's or top-up's gas estimate is reused (<see cref="TempoOptions.GasEstimateLifetime"/>).</summary>
    public TimeSpan GasEstimateLifetime { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>The TIP-1034 channel escrow precompile (draft-tempo-session-00 § "Precompile-Backed Channel State").</summary>
    public const string Precompile = "0x4d50500000000000000000000000000000000000";

    /// <summary>Reads and checks the options; adds every problem to <paramref name="errors"/>; null when sessions are off.</summary>
    public static TempoSessionSettings? Create(TempoSessionOptions options, string path, List<string> errors)
    {
        if (string.IsNullOrWhiteSpace(options.MaxDeposit))
        {
            if (options.Deposit is not null || options.TopUp is not null)
            {
                errors.Add($"{path}:Session:MaxDeposit is not set, so sessions are off: set it to pay tempo/session challenges (Deposit and TopUp need it).");
            }

            return null;
        }

        var max = Amount(options.MaxDeposit, "MaxDeposit", path, errors);
        var deposit = options.Deposit is null ? null : Amount(options.Deposit, "Deposit", path, errors);
        var topUp = options.TopUp is null ? null : Amount(options.TopUp, "TopUp", path, errors);
        if (max is { } m && deposit is { } d && d > m)
        {
            errors.Add($"{path}:Session:Deposit is above MaxDeposit.");
        }

        if (max is { } m2 && topUp is { } t && t > m2)
        {
            errors.Add($"{path}:Session:TopUp is above MaxDeposit.");
        }

        var escrows = new HashSet<string>(StringComparer.Ordinal) { Precompile };
        foreach (var e in options.AllowedEscrows)
        {
            try
            {
                escrows.Add(Encoding.EvmAddress.Normalize(e));
            }
            catch (FormatException)
            {
                errors.Add($"{path}:Session:AllowedEscrows has an entry that is not a 20-byte hex address.");
            }
        }

        if (options.ChallengeReuseMargin < TimeSpan.Zero || options.ChallengeReuseMargin > TimeSpan.FromHours(1))
        {
            errors.Add($"{path}:Session:ChallengeReuseMargin must be between 0 and 1 hour.");
        }

        return max is { } maxDeposit && !errors.Exists(e => e.Contains(":Session:", StringComparison.Ordinal))
            ? new TempoSessionSettings(deposit, maxDeposit, topUp, escrows, options.ChallengeReuseMargin)
            : null;
    }

    private static BigInteger? Amount(string text, string name, string path, List<string> errors)
    {
        if (decimal.TryParse(text, System.Globalization.NumberStyles.AllowDecimalPoint, System.Globalization.CultureInfo.InvariantCulture, out var value)
            && value > 0 && decimal.Round(value, TempoChains.StablecoinDecimals) == value)
        {
            return new BigInteger(value * 1_000_000m);
        }

        errors.Add($"{path}:Session:{name} is not a positive amount with at most {TempoChains.StablecoinDecimals} decimals (e.g. \"5\" or \"0.25\").");
        return null;
    }
}
