namespace TeEFusion.Service.Contracts;

/// <summary>
/// A multipart edit request as read: the generation fields (the same contract and validator as /v1/images/generations),
/// the uploaded files, and the strength (null: the default for the presence of a mask).
/// </summary>
public sealed record ImageEditUpload(ImageGenerationRequest Request, byte[] Image, byte[]? Mask, double? Strength);
