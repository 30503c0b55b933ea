using Mpp.Client.Testing;

namespace Mpp.Client.Tests.Testing;

public sealed class MppTestServerRecordingTests
{
    [Fact]
    public async Task Recorded_requests_are_bounded_and_keep_the_latest()
    {
        await using var server = await MppTestServer.StartAsync(new MppTestServerOptions { MaxRecordedRequests = 3 });
        server.MapFree("/free");
        using var http = new HttpClient();
        for (var i = 0; i < 5; i++)
        {
            using var _ = await http.GetAsync(server.Url($"/free?n={i}"));
        }

        Assert.Equal(["?n=2", "?n=3", "?n=4"], server.Requests.Select(r => r.Query));
    }

    [Fact]
    public async Task A_negative_recording_bound_is_refused()
    {
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => MppTestServer.StartAsync(new MppTestServerOptions { MaxRecordedRequests = -1 }));
    }
}
