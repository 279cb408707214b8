"""Initial schema: sites, forums, threads, authors, posts, revisions, crawl runs, line counts.

Revision ID: 0001
Revises:
Create Date: 2026-11-25 20:44:36.252122
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('sites',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('base_url', sa.String(length=500), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=True),
    sa.Column('engine', sa.String(length=50), nullable=True),
    sa.Column('engine_version', sa.String(length=50), nullable=True),
    sa.Column('timezone', sa.String(length=64), nullable=True),
    sa.Column('pages_seen', sa.Integer(), nullable=False),
    sa.Column('first_seen', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_seen', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sites')),
    sa.UniqueConstraint('base_url', name=op.f('uq_sites_base_url'))
    )
    op.create_table('authors',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('site_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('engine_user_id', sa.String(length=100), nullable=True),
    sa.Column('profile_url', sa.String(length=2000), nullable=True),
    sa.Column('title', sa.String(length=300), nullable=True),
    sa.ForeignKeyConstraint(['site_id'], ['sites.id'], name=op.f('fk_authors_site_id_sites'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_authors')),
    sa.UniqueConstraint('site_id', 'name', name=op.f('uq_authors_site_id'))
    )
    op.create_table('crawl_runs',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('site_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('start_url', sa.String(length=2000), nullable=True),
    sa.Column('spider_args', sa.JSON(none_as_null=True), nullable=True),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('finish_reason', sa.String(length=100), nullable=True),
    sa.Column('stats', sa.JSON(none_as_null=True), nullable=True),
    sa.ForeignKeyConstraint(['site_id'], ['sites.id'], name=op.f('fk_crawl_runs_site_id_sites'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_crawl_runs'))
    )
    op.create_table('forums',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('site_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('parent_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('title', sa.String(length=500), nullable=False),
    sa.Column('path_key', sa.String(length=2000), nullable=False),
    sa.Column('url', sa.String(length=2000), nullable=True),
    sa.Column('engine_forum_id', sa.String(length=100), nullable=True),
    sa.ForeignKeyConstraint(['parent_id'], ['forums.id'], name=op.f('fk_forums_parent_id_forums'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['site_id'], ['sites.id'], name=op.f('fk_forums_site_id_sites'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_forums')),
    sa.UniqueConstraint('site_id', 'path_key', name=op.f('uq_forums_site_id'))
    )
    op.create_table('line_counts',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('site_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('line_hash', sa.String(length=40), nullable=False),
    sa.Column('line', sa.Text(), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['site_id'], ['sites.id'], name=op.f('fk_line_counts_site_id_sites'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_line_counts')),
    sa.UniqueConstraint('site_id', 'line_hash', name=op.f('uq_line_counts_site_id'))
    )
    op.create_table('threads',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('site_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('forum_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('url', sa.String(length=2000), nullable=False),
    sa.Column('engine_thread_id', sa.String(length=100), nullable=True),
    sa.Column('title', sa.Text(), nullable=True),
    sa.Column('starter_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('reply_count_seen', sa.Integer(), nullable=True),
    sa.Column('last_post_at_seen', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_page_seen', sa.Integer(), nullable=True),
    sa.Column('last_page_url', sa.String(length=2000), nullable=True),
    sa.Column('first_seen', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_seen', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['forum_id'], ['forums.id'], name=op.f('fk_threads_forum_id_forums'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['site_id'], ['sites.id'], name=op.f('fk_threads_site_id_sites'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['starter_id'], ['authors.id'], name=op.f('fk_threads_starter_id_authors'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_threads')),
    sa.UniqueConstraint('site_id', 'url', name=op.f('uq_threads_site_id'))
    )
    with op.batch_alter_table('threads', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_threads_forum_id'), ['forum_id'], unique=False)

    op.create_table('posts',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('site_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('engine_post_id', sa.String(length=100), nullable=False),
    sa.Column('thread_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('position', sa.Integer(), nullable=True),
    sa.Column('page_url', sa.String(length=2000), nullable=True),
    sa.Column('author_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('author_title', sa.String(length=300), nullable=True),
    sa.Column('posted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('posted_at_raw', sa.String(length=200), nullable=True),
    sa.Column('edited_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('raw_html', sa.LargeBinary(), nullable=True),
    sa.Column('raw_text', sa.Text(), nullable=True),
    sa.Column('clean_text', sa.Text(), nullable=False),
    sa.Column('thread_title', sa.Text(), nullable=True),
    sa.Column('quotes', sa.JSON(none_as_null=True), nullable=True),
    sa.Column('signature', sa.Text(), nullable=True),
    sa.Column('likes', sa.Integer(), nullable=True),
    sa.Column('lang', sa.String(length=16), nullable=True),
    sa.Column('lang_confidence', sa.Float(), nullable=True),
    sa.Column('mt_score', sa.Float(), nullable=True),
    sa.Column('fixes', sa.JSON(none_as_null=True), nullable=True),
    sa.Column('content_hash', sa.String(length=64), nullable=True),
    sa.Column('normalizer_version', sa.String(length=32), nullable=True),
    sa.Column('duplicate_of', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.Column('first_seen', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_seen', sa.DateTime(timezone=True), nullable=True),
    sa.Column('crawl_run_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.ForeignKeyConstraint(['author_id'], ['authors.id'], name=op.f('fk_posts_author_id_authors'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['crawl_run_id'], ['crawl_runs.id'], name=op.f('fk_posts_crawl_run_id_crawl_runs'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['duplicate_of'], ['posts.id'], name=op.f('fk_posts_duplicate_of_posts'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['site_id'], ['sites.id'], name=op.f('fk_posts_site_id_sites'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['thread_id'], ['threads.id'], name=op.f('fk_posts_thread_id_threads'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_posts')),
    sa.UniqueConstraint('site_id', 'engine_post_id', name=op.f('uq_posts_site_id'))
    )
    with op.batch_alter_table('posts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_posts_author_id'), ['author_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_posts_duplicate_of'), ['duplicate_of'], unique=False)
        batch_op.create_index(batch_op.f('ix_posts_lang'), ['lang'], unique=False)
        batch_op.create_index(batch_op.f('ix_posts_posted_at'), ['posted_at'], unique=False)
        batch_op.create_index('ix_posts_thread_position', ['thread_id', 'position'], unique=False)

    op.create_table('post_revisions',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('post_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('clean_text', sa.Text(), nullable=False),
    sa.Column('raw_html', sa.LargeBinary(), nullable=True),
    sa.Column('content_hash', sa.String(length=64), nullable=True),
    sa.Column('edited_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('seen_from', sa.DateTime(timezone=True), nullable=True),
    sa.Column('replaced_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('crawl_run_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.ForeignKeyConstraint(['crawl_run_id'], ['crawl_runs.id'], name=op.f('fk_post_revisions_crawl_run_id_crawl_runs'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['post_id'], ['posts.id'], name=op.f('fk_post_revisions_post_id_posts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_post_revisions'))
    )
    with op.batch_alter_table('post_revisions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_post_revisions_post_id'), ['post_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('post_revisions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_post_revisions_post_id'))

    op.drop_table('post_revisions')
    with op.batch_alter_table('posts', schema=None) as batch_op:
        batch_op.drop_index('ix_posts_thread_position')
        batch_op.drop_index(batch_op.f('ix_posts_posted_at'))
        batch_op.drop_index(batch_op.f('ix_posts_lang'))
        batch_op.drop_index(batch_op.f('ix_posts_duplicate_of'))
        batch_op.drop_index(batch_op.f('ix_posts_author_id'))

    op.drop_table('posts')
    with op.batch_alter_table('threads', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_threads_forum_id'))

    op.drop_table('threads')
    op.drop_table('line_counts')
    op.drop_table('forums')
    op.drop_table('crawl_runs')
    op.drop_table('authors')
    op.drop_table('sites')
