namespace TeEFusion.Service.Webhooks;

/// <summary>The destination policy refused a webhook's host or every address it resolved to; not worth a retry.</summary>
public sealed class WebhookRefusedException(string message) : IOException(message);
