using System.Text.Json;

namespace Mpp.Client.Protocol;

/// <summary>
/// How protocol JSON from the network is read: duplicate member names are rejected, because readers disagree on which
/// one wins (System.Text.Json takes the last, others the first) and a hostile server could show the payer one amount
/// and charge another.
/// </summary>
internal static class StrictJson
{
    public static readonly JsonDocumentOptions Options = new() { AllowDuplicateProperties = false, MaxDepth = 64 };
}
