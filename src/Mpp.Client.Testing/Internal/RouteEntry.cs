using Microsoft.AspNetCore.Http;

namespace Mpp.Client.Testing.Internal;

/// <summary>One mapped path: a paid route, or a plain handler (free content, redirect, custom).</summary>
internal sealed record RouteEntry(PaidRoute? Paid, RequestDelegate? Handler);
