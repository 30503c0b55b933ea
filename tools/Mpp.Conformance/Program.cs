// The harness runs one process per request: read one JSON request from stdin, write one JSON line to stdout.
// Kept lean on purpose (no host, no DI): start-up time is paid once per vector.
using Mpp.Conformance;

var stdin = Console.OpenStandardInput();
var request = new MemoryStream();
await stdin.CopyToAsync(request).ConfigureAwait(false);

var response = await new ConformanceAdapter()
    .HandleAsync(request.GetBuffer().AsMemory(0, (int)request.Length))
    .ConfigureAwait(false);

var stdout = Console.OpenStandardOutput();
var line = System.Text.Encoding.UTF8.GetBytes(ConformanceAdapter.Serialize(response) + "\n");
await stdout.WriteAsync(line).ConfigureAwait(false);
await stdout.FlushAsync().ConfigureAwait(false);
return 0;
