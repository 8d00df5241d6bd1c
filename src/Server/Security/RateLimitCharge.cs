namespace TextClassification.Server.Security;

/// <summary>
/// Charges a request's remaining permits once its body is parsed: the rate limiting middleware runs before the body
/// is read and takes one permit, so an input that costs more (<see cref="IPermitCost"/>, one per text) takes the
/// others here, from the same client bucket. Without rate limits the filter is not added at all.
/// </summary>
internal static class RateLimitCharge
{
    public static TBuilder ChargePermitsPerItem<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilterFactory(static (factory, next) =>
        {
            var limiter = factory.ApplicationServices.GetService<ClientRateLimiter>();
            int[] inputs = [.. factory.MethodInfo.GetParameters()
                .Select((parameter, index) => (parameter, index))
                .Where(p => typeof(IPermitCost).IsAssignableFrom(p.parameter.ParameterType))
                .Select(p => p.index)];
            if (limiter is null || inputs.Length == 0)
            {
                return next;
            }
            return invocation =>
            {
                int permits = 0;
                foreach (int index in inputs)
                {
                    permits += invocation.Arguments[index] is IPermitCost cost ? cost.Permits : 0;
                }
                // The middleware has taken one already.
                int more = permits - 1;
                if (more <= 0)
                {
                    return next(invocation);
                }
                var context = invocation.HttpContext;
                if (permits > limiter.Settings.EffectiveBurst)
                {
                    return ValueTask.FromResult<object?>(limiter.TooLargeForBurst(context, permits));
                }
                using var lease = limiter.Limiter.AttemptAcquire(context, more);
                return lease.IsAcquired ? next(invocation) : ValueTask.FromResult<object?>(limiter.Refusal(context, lease));
            };
        });
}
