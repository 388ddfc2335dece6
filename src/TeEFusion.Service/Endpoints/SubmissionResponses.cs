namespace TeEFusion.Service.Endpoints;

/// <summary>The answers <see cref="Jobs.JobSubmitter"/> can give, documented once for every endpoint that submits a job.</summary>
internal static class SubmissionResponses
{
    public static RouteHandlerBuilder ProducesSubmissionProblems(this RouteHandlerBuilder route) => route
        .Accepts<Contracts.ImageGenerationRequest>("application/json")
        .ProducesSubmissionRefusals();

    /// <summary>The problems alone, for an endpoint whose body is not the JSON request (the multipart edits).</summary>
    public static RouteHandlerBuilder ProducesSubmissionRefusals(this RouteHandlerBuilder route) => route
        .ProducesValidationProblem()
        .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
        .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
        .ProducesProblem(StatusCodes.Status429TooManyRequests)
        .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
}
