using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Mpp.Cli.Configuration;
using Mpp.Cli.Output;
using Mpp.Cli.Payments;
using Mpp.Client;
using Mpp.Client.Http;
using Mpp.Client.Ledger;
using Mpp.Client.Policy;
using Spectre.Console;

namespace Mpp.Cli.Commands;

/// <summary><c>mpp &lt;url&gt;</c>: one request through the payment handler, the body out, a summary on stderr, an exit code.</summary>
internal sealed class FetchRunner(FetchSettings settings, IConfiguration configuration, CliConsole console)
{
    private const long ProgressThreshold = 1 << 20;

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var approver = settings.ConfirmAbove is { } threshold ? new ConfirmingApprover(threshold, console.Interactive ? console.Stderr : null) : null;
        // No spinner around a confirmation prompt: a live display and a prompt cannot share the terminal.
        var showProgress = console.ErrorIsTerminal && !settings.Silent && !settings.Verbose && !settings.Json && settings.ConfirmAbove is null;
        var progress = showProgress ? new ProgressObserver() : null;
        Mpp.Client.Http.IPaymentObserver? observer = settings.Verbose ? new VerboseObserver(console.Error) : progress;
        await using var provider = await CliServices.StartAsync(configuration, approver, observer, cancellationToken).ConfigureAwait(false);
        using var http = provider.GetRequiredService<IHttpClientFactory>().CreateClient();
        http.Timeout = Timeout.InfiniteTimeSpan; // Ctrl+C cancels; a download is not cut at 100 s
        using var request = BuildRequest();
        if (settings.Verbose)
        {
            WriteRequest(request);
        }

        HttpResponseMessage? response = null;
        PaymentOutcome? outcome;
        try
        {
            response = progress is null
                ? await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false)
                : await console.Stderr.Status().StartAsync($"requesting {settings.Url.GetLeftPart(UriPartial.Path)}…", async status =>
                {
                    progress.Report = text => status.Status(Markup.Escape(text));
                    return await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
                }).ConfigureAwait(false);
            outcome = response.GetPaymentOutcome();
        }
        catch (PaymentException e) when (e.Outcome is not null)
        {
            outcome = e.Outcome; // Mpp:ThrowOnPaymentFailure is set: the same outcome, thrown
        }
        catch (HttpRequestException e)
        {
            return Fail(ExitCodes.Network, $"cannot reach {settings.Url.GetLeftPart(UriPartial.Authority)}: {e.Message}");
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return Fail(ExitCodes.Network, $"{settings.Url.GetLeftPart(UriPartial.Authority)} did not answer in time.");
        }
        catch (LedgerStoreException e)
        {
            return Fail(ExitCodes.Configuration, $"the ledger cannot be used ({e.Code}), nothing was paid: {e.Message}");
        }

        using (response)
        {
            return await FinishAsync(provider, response, outcome, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<int> FinishAsync(IServiceProvider provider, HttpResponseMessage? response, PaymentOutcome? outcome, CancellationToken cancellationToken)
    {
        var exit = outcome?.Status switch
        {
            PaymentStatus.Refused => ExitCodes.Refused,
            PaymentStatus.Rejected => ExitCodes.Rejected,
            PaymentStatus.Unknown => ExitCodes.OutcomeUnknown,
            _ => settings.Fail && response is { StatusCode: >= HttpStatusCode.BadRequest } ? ExitCodes.HttpError : ExitCodes.Success,
        };
        if (settings.Verbose && response is not null)
        {
            console.Error.WriteLine($"< {(int)response.StatusCode} {response.ReasonPhrase}");
        }

        var showQuote = settings.Quote && outcome is not null;
        var printBody = response is not null && !showQuote && exit != ExitCodes.HttpError;
        byte[]? body = null;
        string? bodyFile = null;
        if (settings.Json)
        {
            if (printBody)
            {
                (body, bodyFile) = await ReadBodyForJsonAsync(response!, cancellationToken).ConfigureAwait(false);
            }

            JsonReport.Write(console, settings.Url, response, body, bodyFile, outcome, exit, null);
        }
        else if (showQuote)
        {
            if (outcome!.Status == PaymentStatus.Quoted || outcome.Rejections.Count > 0)
            {
                QuoteTable.Write(console.Stdout, outcome);
            }
        }
        else if (printBody)
        {
            await WriteBodyAsync(response!, cancellationToken).ConfigureAwait(false);
        }

        if (settings.Quote && outcome is null && !settings.Json)
        {
            console.Error.WriteLine($"mpp: no payment asked: {(int)response!.StatusCode} {response.ReasonPhrase}");
        }

        if (outcome is not null && !settings.Silent && !(settings.Quote && !settings.Json && outcome.Status == PaymentStatus.Quoted))
        {
            var budget = outcome.Status == PaymentStatus.Paid
                ? await provider.GetRequiredService<SpendingPolicy>().GetBudgetAsync(outcome.Quote!.Host, cancellationToken).ConfigureAwait(false)
                : [];
            console.Error.WriteLine(Summary.Of(outcome, budget));
        }

        return exit;
    }

    private HttpRequestMessage BuildRequest()
    {
        var request = new HttpRequestMessage(settings.Method, settings.Url);
        if (settings.Body is { } body)
        {
            request.Content = new ByteArrayContent(body);
        }

        foreach (var (name, value) in settings.Headers)
        {
            if (!request.Headers.TryAddWithoutValidation(name, value) && request.Content is not null)
            {
                request.Content.Headers.Remove(name);
                request.Content.Headers.TryAddWithoutValidation(name, value);
            }
        }

        if (settings.Max is { } max)
        {
            request.SetMaxPayment(max.Amount, max.Unit);
        }

        if (settings.Quote)
        {
            request.SetPaymentMode(PaymentMode.QuoteOnly);
        }

        return request;
    }

    private void WriteRequest(HttpRequestMessage request)
    {
        // The query is not shown: it may carry an API key of the user's own (as the header values below are not).
        var uri = request.RequestUri!;
        console.Error.WriteLine($"> {request.Method} {uri.GetLeftPart(UriPartial.Path)}{(uri.Query.Length > 0 ? "?…" : string.Empty)}");
        foreach (var (name, _) in request.Headers.Concat(request.Content?.Headers ?? Enumerable.Empty<KeyValuePair<string, IEnumerable<string>>>()))
        {
            // Header values the user gave may be secrets of their own (an API key): names only.
            console.Error.WriteLine($"> {name}: …");
        }
    }

    private async Task WriteBodyAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var headers = settings.IncludeHeaders ? StatusAndHeaders(response) : null;
        await using var source = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        if (settings.OutputFile is { } path)
        {
            await using var file = OpenOutput(path);
            if (headers is not null)
            {
                await file.WriteAsync(System.Text.Encoding.UTF8.GetBytes(headers), cancellationToken).ConfigureAwait(false);
            }

            await CopyWithProgressAsync(source, file, response.Content.Headers.ContentLength, cancellationToken).ConfigureAwait(false);
            return;
        }

        await console.Out.FlushAsync(cancellationToken).ConfigureAwait(false);
        await using var stdout = Console.OpenStandardOutput();
        if (headers is not null)
        {
            await stdout.WriteAsync(System.Text.Encoding.UTF8.GetBytes(headers), cancellationToken).ConfigureAwait(false);
        }

        await source.CopyToAsync(stdout, cancellationToken).ConfigureAwait(false);
    }

    private async Task CopyWithProgressAsync(Stream source, Stream target, long? length, CancellationToken cancellationToken)
    {
        if (settings.Silent || !console.ErrorIsTerminal || length is not > ProgressThreshold)
        {
            await source.CopyToAsync(target, cancellationToken).ConfigureAwait(false);
            return;
        }

        await console.Stderr.Progress().AutoClear(true).StartAsync(async progress =>
        {
            var task = progress.AddTask($"downloading {settings.OutputFile}", maxValue: length.Value);
            var buffer = new byte[81920];
            int read;
            while ((read = await source.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
            {
                await target.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                task.Increment(read);
            }
        }).ConfigureAwait(false);
    }

    private async Task<(byte[]? Body, string? File)> ReadBodyForJsonAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (settings.OutputFile is { } path)
        {
            await using var source = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            await using var file = OpenOutput(path);
            await CopyWithProgressAsync(source, file, response.Content.Headers.ContentLength, cancellationToken).ConfigureAwait(false);
            return (null, Path.GetFullPath(path));
        }

        return (await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false), null);
    }

    private static FileStream OpenOutput(string path)
    {
        try
        {
            return new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 81920, useAsync: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliException(ExitCodes.Usage, $"-o: cannot write '{path}': {e.Message}");
        }
    }

    private static string StatusAndHeaders(HttpResponseMessage response)
    {
        var text = new System.Text.StringBuilder();
        text.Append(System.Globalization.CultureInfo.InvariantCulture, $"HTTP/{response.Version.ToString(2)} {(int)response.StatusCode} {response.ReasonPhrase}\r\n");
        foreach (var (name, values) in response.Headers.Concat(response.Content.Headers))
        {
            text.Append(System.Globalization.CultureInfo.InvariantCulture, $"{name}: {string.Join(", ", values)}\r\n");
        }

        return text.Append("\r\n").ToString();
    }

    private int Fail(int exit, string message)
    {
        if (settings.Json)
        {
            JsonReport.Write(console, settings.Url, null, null, null, null, exit, message);
        }

        console.Error.WriteLine("mpp: " + message);
        return exit;
    }
}
