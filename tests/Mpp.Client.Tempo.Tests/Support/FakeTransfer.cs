using System.Numerics;

namespace Mpp.Client.Tempo.Tests.Support;

/// <summary>A TIP-20 transfer the fake chain read from a call.</summary>
internal sealed record FakeTransfer(string Token, string To, BigInteger Amount, byte[]? Memo);
