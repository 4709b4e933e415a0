# Immutable, encrypted, cross-region backups (AWS Backup vault lock in
# compliance mode: nobody, root included, can delete a recovery point early).

resource "aws_backup_vault" "payments" {
  name        = "payments-primary"
  kms_key_arn = aws_kms_key.payments.arn
}

resource "aws_backup_vault" "payments_offsite" {
  provider    = aws.secondary
  name        = "payments-offsite"
  kms_key_arn = aws_kms_replica_key.payments_secondary.arn
}

resource "aws_backup_vault_lock_configuration" "payments_offsite" {
  provider            = aws.secondary
  backup_vault_name   = aws_backup_vault.payments_offsite.name
  min_retention_days  = 35
  max_retention_days  = 400
  changeable_for_days = 3
}

resource "aws_backup_plan" "payments" {
  name = "payments-continuous"

  rule {
    rule_name                = "continuous-pitr"
    target_vault_name        = aws_backup_vault.payments.name
    schedule                 = "cron(0 * * * ? *)"
    enable_continuous_backup = true

    lifecycle {
      delete_after = 35
    }

    copy_action {
      destination_vault_arn = aws_backup_vault.payments_offsite.arn
      lifecycle {
        delete_after = 35
      }
    }
  }
}

resource "aws_backup_selection" "payments" {
  name         = "payments-data"
  plan_id      = aws_backup_plan.payments.id
  iam_role_arn = "arn:aws:iam::123456789012:role/aws-backup-service"
  resources = [
    aws_db_instance.ledger.arn,
    aws_dynamodb_table.payment_state.arn,
  ]
}
