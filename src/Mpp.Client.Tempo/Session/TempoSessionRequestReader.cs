using System.Text.Json;
using Mpp.Client.Protocol;

namespace Mpp.Client.Tempo.Session;

/// <summary>
/// Reads a tempo/session challenge request strictly, before anything is signed. Every failure is an
/// <see cref="MppException"/> with <see cref="MppErrorCode.InvalidChallenge"/> and a message that repeats no request value.
/// Trust decisions (which chains, tokens and escrows this wallet pays into) are the caller's.
/// </summary>
internal static class TempoSessionRequestReader
{
    /// <summary>Reads the request of a <c>tempo</c>/<c>session</c> challenge.</summary>
    /// <exception cref="MppException">The challenge is not tempo/session or its request is malformed.</exception>
    public static TempoSessionRequest Read(Challenge challenge) => throw new NotImplementedException();

    /// <summary>Reads a decoded request object.</summary>
    /// <exception cref="MppException">The request is malformed.</exception>
    public static TempoSessionRequest Read(JsonElement request) => throw new NotImplementedException();
}
