resource "aws_sqs_queue" "requests_dlq" {
  name                      = "notifications-requests-dlq"
  kms_master_key_id         = aws_kms_key.notifications.arn
  message_retention_seconds = 1209600
}

resource "aws_sqs_queue" "requests" {
  name                       = "notifications-requests"
  kms_master_key_id          = aws_kms_key.notifications.arn
  visibility_timeout_seconds = 60
  message_retention_seconds  = 345600
  redrive_policy = jsonencode({
    deadLetterTargetArn = aws_sqs_queue.requests_dlq.arn
    maxReceiveCount     = 5
  })
}
