using System.Globalization;
using Mpp.Client.Protocol;

namespace Mpp.Client.Tests.Protocol;

public sealed class Rfc3339Tests
{
    [Theory]
    [InlineData("2026-03-01T12:05:00+00:00", "2026-03-01T12:05:00Z")]
    [InlineData("2024-02-29T23:59:59+00:00", "2024-02-29T23:59:59Z")]
    [InlineData("2026-12-01T01:02:03+05:30", "2026-11-30T19:32:03Z")]
    [InlineData("0001-01-01T00:00:00+00:00", "0001-01-01T00:00:00Z")]
    [InlineData("9999-12-31T23:59:59+00:00", "9999-12-31T23:59:59Z")]
    [InlineData("2026-03-01T12:05:00.5+00:00", "2026-03-01T12:05:00.5Z")]
    [InlineData("2026-03-01T12:05:00.1234567+00:00", "2026-03-01T12:05:00.1234567Z")]
    public void Format_writes_utc_with_a_z_and_fractions_only_when_there_are_some(string input, string expected)
    {
        var value = DateTimeOffset.Parse(input, CultureInfo.InvariantCulture);

        Assert.Equal(expected, Rfc3339.Format(value));
        Assert.True(Rfc3339.TryParse(expected, out var back));
        Assert.Equal(value, back);
    }
}
